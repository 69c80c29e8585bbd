"""Serving a trainee's private file (evidence, a training certificate) to someone the caller
has already checked may see it."""

from django.http import FileResponse


def private_file_response(stored_file, *, filename: str) -> FileResponse:
    """A download that no cache keeps and no browser reinterprets."""
    response = FileResponse(stored_file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
