"""Reading uploaded spreadsheets (CSV or XLSX) into tablib datasets, with clear refusals."""

from pathlib import Path

import tablib
from django.core.exceptions import ValidationError

MAX_BYTES = 2 * 1024 * 1024
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}


def spreadsheet_upload_read(upload, *, max_bytes: int = MAX_BYTES) -> tuple[bytes, str]:
    """The upload's bytes and format. Refuses a missing file, another type, or a large one."""
    if upload is None:
        raise ValidationError("Choose a CSV or XLSX file to upload.")
    file_format = FORMATS.get(Path(upload.name).suffix.lower())
    if file_format is None:
        raise ValidationError("Upload a .csv, .xlsx or .json file.")
    if upload.size > max_bytes:
        raise ValidationError(
            f"That file is larger than {max_bytes // (1024 * 1024)} MB; split it into smaller files."
        )
    return upload.read(), file_format


def spreadsheet_dataset(
    content: bytes, file_format: str, *, required: tuple[str, ...], columns: tuple[str, ...]
) -> tablib.Dataset:
    """A dataset with headers normalised to snake_case. Raises ValidationError when the file
    cannot be read or lacks a required column."""
    try:
        if file_format in ("csv", "json"):
            dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format=file_format)
        else:
            dataset = tablib.Dataset().load(content, format="xlsx")
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same clear answer
        raise ValidationError(
            "That file could not be read as a spreadsheet. Save it as CSV or XLSX."
        ) from error
    dataset.headers = [
        str(header or "").strip().lower().replace(" ", "_") for header in dataset.headers or []
    ]
    missing = [column for column in required if column not in dataset.headers]
    if missing:
        raise ValidationError(
            f"The file needs a column headed {', '.join(missing)}; the columns are {', '.join(columns)}."
        )
    return dataset


def import_result_rows(result, *, key_column: str) -> list[dict]:
    """django-import-export's result as rows for a preview: each row's number, outcome, the
    value of key_column, and its error messages."""
    rows = []
    for number, row in enumerate(result.rows, start=1):
        messages = []
        if row.validation_error is not None:
            for errors in row.validation_error.message_dict.values():
                messages.extend(errors)
        messages.extend(str(error.error) for error in row.errors)
        values = row.row_values or {}
        rows.append(
            {
                "number": number,
                "type": row.import_type,
                "key": values.get(key_column, ""),
                "messages": messages,
            }
        )
    return rows
