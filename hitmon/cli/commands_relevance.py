"""``hitmon relevance train``: fit the learned stage of relevance on labelled items."""

from __future__ import annotations

from pathlib import Path

import click

from hitmon.cli.app import App, pass_app, user_errors

LABELS = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def relevance() -> None:
    """The learned stage of relevance (see docs/rules.md).

    \b
    Example:
      hitmon relevance train --labels labelled.jsonl --output model.npz
    """


@relevance.command()
@click.option("--labels", "label_files", multiple=True, type=LABELS, help="Labelled JSONL to train on.")
@click.option(
    "--reference",
    "reference_files",
    multiple=True,
    type=LABELS,
    help="Labelled JSONL to train on whose titles the model keeps, to show the nearest ones (your own).",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Model file to write."
)
@click.option(
    "--cache",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Embeddings kept between runs (an .npz; embedding thousands of items takes minutes).",
)
@pass_app
@user_errors
def train(
    app: App,
    label_files: tuple[Path, ...],
    reference_files: tuple[Path, ...],
    output: Path,
    cache: Path | None,
) -> None:
    """Fit the learned stage on labelled items; the flag threshold comes from cross-validation by source.

    Each JSONL line is {title, text, media, label[, origin_repo]}: label hit, or miss / health / it / other;
    items of one origin_repo (else of one file) stay in one fold. Set relevance.model to the output to use it.

    \b
    Example:
      hitmon relevance train --labels ../shared/relevance/items.jsonl \\
        --reference benchmarks/data/relevance_sample.jsonl \\
        --output pipeline/stages/relevance/default_model.npz
    """
    from pipeline.errors import InputError
    from pipeline.stages.relevance import load_relevance
    from pipeline.stages.relevance.training import read_labelled, train_on

    if not label_files and not reference_files:
        raise InputError("--labels", "give at least one labelled file")
    stage1 = load_relevance(app.settings.relevance.model_copy(update={"learned": False}))
    items = [item for path in label_files for item in read_labelled(path)]
    references = [item for path in reference_files for item in read_labelled(path)]
    model = train_on(items + references, stage1, references=references, cache=cache)
    model.save(output)
    trained = model.trained
    click.echo(
        f"{output}: {trained['items']} items ({trained['hits']} hits) from {len(trained['groups'])} sources; "
        f"flags at probability >= {model.threshold:.4f} (recall {trained['target_recall']} by source CV)"
    )
