from __future__ import annotations

from pipeline.desk.summary import extractive_summary, split_sentences

TEXT = (
    "4月22日，数字中国建设峰会在福州开幕。会场布置简朴大方，与会者陆续入场。"
    "异地就医直接结算系统亮相，电子病历共享成为焦点！天气晴朗。"
    "专家认为，电子病历和互联网医院将改变就医方式。会议持续两天。"
)


def test_sentences_split_after_chinese_and_western_punctuation_and_lines() -> None:
    assert split_sentences("第一句。第二句！\n标题行\nThird? ") == [
        "第一句。",
        "第二句！",
        "标题行",
        "Third?",
    ]


def test_the_summary_keeps_the_lead_and_the_sentences_with_matched_terms_in_order() -> None:
    summary = extractive_summary(TEXT, ["电子病历", "互联网医院"], max_sentences=3)
    assert summary == (
        "4月22日，数字中国建设峰会在福州开幕。异地就医直接结算系统亮相，电子病历共享成为焦点！"
        "专家认为，电子病历和互联网医院将改变就医方式。"
    )
    assert all(sentence in TEXT for sentence in split_sentences(summary))  # copied, never rewritten


def test_the_summary_respects_its_length_and_handles_empty_text() -> None:
    assert extractive_summary(TEXT, [], max_sentences=1) == "4月22日，数字中国建设峰会在福州开幕。"
    assert len(extractive_summary(TEXT, ["电子病历"], max_chars=40)) <= 40
    assert extractive_summary("", ["电子病历"]) == ""
    assert extractive_summary("短。", []) == "短。"
    heading = "一个没有句号的小标题行"
    assert extractive_summary(f"{heading}\n正文第一句很长很长。", []) == f"{heading}\n正文第一句很长很长。"
    assert extractive_summary("图片\n正文第一句很长很长。", []) == "正文第一句很长很长。"  # fragments go
