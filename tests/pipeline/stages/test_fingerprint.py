from __future__ import annotations

import zlib

import numpy as np
import pytest
from datasketch import MinHash

from pipeline.stages.fingerprint import EMPTY, NUM_PERM, SCHEME, SEED, minhash_values, shingles, values_to_hex

TEXTS = [
    "县人民医院互联网医院正式挂牌运行，患者通过手机即可在线复诊、开具电子处方。",
    "Hospital HIS 系统 upgrade：电子病历评级 5 级，ＨＩＳ全角。" * 30,
    "短讯",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_values_are_datasketchs(text):
    """Fingerprints stored before (datasketch computed them) must stay comparable with new ones."""
    expected = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32)
    expected.update_batch(list(shingles(text)))
    assert np.array_equal(minhash_values(text), expected.hashvalues)


def test_an_empty_text_has_the_empty_values_and_the_hex_form_is_big_endian():
    assert set(minhash_values("").tolist()) == {EMPTY}
    assert values_to_hex(np.array([1, 0xABCDEF01], dtype=np.uint32)) == "00000001abcdef01"


def test_computing_a_fingerprint_loads_no_datasketch_nor_scipy():
    import subprocess
    import sys

    code = (
        "import sys; from pipeline.stages.fingerprint import minhash_values;"
        "minhash_values('电子病历系统上线运行');"
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
