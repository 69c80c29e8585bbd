"""Reading uploaded spreadsheets (CSV or XLSX) into tablib datasets, with clear refusals."""

import base64
from dataclasses import dataclass, field
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


def import_result_rows(result, *, key_column: str, describe_row=None) -> list[dict]:
    """django-import-export's result as rows for a preview: each row's number, outcome, the
    value of key_column, and its error messages. `describe_row`, given a valid row's values,
    says in words what importing it does (the row's "description")."""
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
                "description": describe_row(values)
                if describe_row is not None and row.is_valid()
                else "",
            }
        )
    return rows


@dataclass
class ImportOutcome:
    """What a preview-then-confirm import did. `errors` are messages for the whole file."""

    confirmed: bool = False
    failed: bool = False
    preview: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    result: object = None
    resource: object = None


def spreadsheet_import(
    request,
    *,
    session_key: str,
    upload_field: str,
    required: tuple[str, ...],
    columns: tuple[str, ...],
    make_resource,
    key_column: str,
    describe_row=None,
    max_bytes: int = MAX_BYTES,
) -> ImportOutcome:
    """The import flow every spreadsheet upload shares. A new upload is a dry run (a
    rolled-back transaction) that previews every row; the file is kept in the session, and
    a POST with action=confirm imports it for real. Nothing is written unless every row is
    valid: django-import-export rolls the whole import back on any row error."""
    confirming = request.POST.get("action") == "confirm"
    try:
        if confirming:
            stored = request.session.get(session_key)
            if not stored:
                raise ValidationError("Upload the file again: the preview has expired.")
            content, file_format = base64.b64decode(stored["content"]), stored["format"]
        else:
            content, file_format = spreadsheet_upload_read(
                request.FILES.get(upload_field), max_bytes=max_bytes
            )
        dataset = spreadsheet_dataset(content, file_format, required=required, columns=columns)
    except ValidationError as error:
        return ImportOutcome(failed=True, errors=list(error.messages))
    resource = make_resource()
    result = resource.import_data(
        dataset, dry_run=not confirming, use_transactions=True, rollback_on_validation_errors=True
    )
    failed = result.has_errors() or result.has_validation_errors()
    errors = [
        " ".join(getattr(error.error, "messages", [str(error.error)]))
        for error in result.base_errors
    ]
    if confirming and not failed:
        request.session.pop(session_key, None)
        return ImportOutcome(confirmed=True, result=result, resource=resource)
    if not failed:
        request.session[session_key] = {
            "content": base64.b64encode(content).decode(),
            "format": file_format,
        }
    return ImportOutcome(
        failed=failed,
        preview=import_result_rows(result, key_column=key_column, describe_row=describe_row),
        errors=errors,
        result=result,
        resource=resource,
    )
