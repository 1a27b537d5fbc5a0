"""Sending files, as Werkzeug 3.1's ``send_file`` and
``send_from_directory`` (``werkzeug.utils``) with the WSGI environ given;
``fastdispatch.helpers`` has Flask's, which take it from the request and
the rest from the app.

The body is the server's ``wsgi.file_wrapper`` around the open file when it
offers one (a server may then send it with ``sendfile``), else
``FileWrapper``, read in blocks.  The file is closed with the response:
when the server closes the body (PEP 3333), also for HEAD and 304, whose
body is empty; and here, before raising, for a Range that cannot be served.
"""

from __future__ import annotations

import io
import mimetypes
import os
import typing as t
import unicodedata
from datetime import datetime
from time import time
from urllib.parse import quote
from zlib import adler32

from .datastructures import Headers
from .exceptions import NotFound
from .http import dump_header
from .security import safe_join

__all__ = ["FileWrapper", "send_file", "send_from_directory", "wrap_file"]


class FileWrapper:
    """A file as a WSGI body, ``buffer_size`` bytes a block; seekable, so
    that a range is read from its start rather than read up to."""

    def __init__(self, file: t.IO[bytes], buffer_size: int = 8192) -> None:
        self.file = file
        self.buffer_size = buffer_size

    def close(self) -> None:
        if hasattr(self.file, "close"):
            self.file.close()

    def seekable(self) -> bool:
        if hasattr(self.file, "seekable"):
            return self.file.seekable()
        return hasattr(self.file, "seek")

    def seek(self, *args: t.Any) -> None:
        if hasattr(self.file, "seek"):
            self.file.seek(*args)

    def tell(self) -> int | None:
        if hasattr(self.file, "tell"):
            return self.file.tell()
        return None

    def __iter__(self) -> FileWrapper:
        return self

    def __next__(self) -> bytes:
        data = self.file.read(self.buffer_size)
        if data:
            return data
        raise StopIteration()


def wrap_file(environ: t.Mapping[str, t.Any], file: t.IO[bytes], buffer_size: int = 8192) -> t.Iterable[bytes]:
    return environ.get("wsgi.file_wrapper", FileWrapper)(file, buffer_size)  # type: ignore[no-any-return]


def _disposition(as_attachment: bool, download_name: str) -> str:
    """RFC 6266: a name that is not ASCII goes as RFC 5987 ``filename*``,
    with its closest ASCII as ``filename`` for old clients."""
    try:
        download_name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode("ascii")
        quoted = quote(download_name, safe="!#$&+-.^_`|~")  # RFC 5987 attr-char
        names = {"filename": simple, "filename*": f"UTF-8''{quoted}"}
    else:
        names = {"filename": download_name}
    value = "attachment" if as_attachment else "inline"
    # Werkzeug's Headers.set(key, value, **params): options quoted as needed
    return "; ".join([value, *(dump_header({k: v}) for k, v in names.items())])


def send_file(
    path_or_file: os.PathLike[str] | str | t.IO[bytes],
    environ: t.Mapping[str, t.Any],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: None | int | t.Callable[[str | None], int | None] = None,
    use_x_sendfile: bool = False,
    response_class: type | None = None,
    _root_path: os.PathLike[str] | str | None = None,
) -> t.Any:
    """A response of the file at a (trusted) path or of an open binary
    file: its type guessed from its name, ``Content-Disposition`` from
    ``as_attachment``/``download_name``, Last-Modified and an ETag from the
    file's stat, Cache-Control from ``max_age``, and with ``conditional``
    the request's conditions answered (304, 206, 416)."""
    if response_class is None:
        from .response import Response

        response_class = Response
    path: str | None = None
    file: t.IO[bytes] | None = None
    size: int | None = None
    mtime: float | None = None
    headers = Headers()
    if isinstance(path_or_file, (os.PathLike, str)) or hasattr(path_or_file, "__fspath__"):
        path = os.path.join(_root_path, path_or_file) if _root_path is not None else os.path.abspath(path_or_file)  # type: ignore[arg-type]
        stat = os.stat(path)
        size = stat.st_size
        mtime = stat.st_mtime
    else:
        file = path_or_file  # type: ignore[assignment]
    if download_name is None and path is not None:
        download_name = os.path.basename(path)
    if mimetype is None:
        if download_name is None:
            raise TypeError(
                "Unable to detect the MIME type because a file name is"
                " not available. Either set 'download_name', pass a"
                " path instead of a file, or set 'mimetype'."
            )
        mimetype, encoding = mimetypes.guess_type(download_name)
        if mimetype is None:
            mimetype = "application/octet-stream"
        # an attachment's encoding would make browsers unpack a .tar.gz
        if encoding is not None and not as_attachment:
            headers.set("Content-Encoding", encoding)
    if download_name is not None:
        headers.set("Content-Disposition", _disposition(as_attachment, download_name))
    elif as_attachment:
        raise TypeError("No name provided for attachment. Either set 'download_name' or pass a path instead of a file.")
    if use_x_sendfile and path is not None:
        headers["X-Sendfile"] = path
        data = None
    else:
        if file is None:
            file = open(path, "rb")  # type: ignore[arg-type]  # noqa: SIM115 (closed with the response)
        elif isinstance(file, io.BytesIO):
            size = file.getbuffer().nbytes
        elif isinstance(file, io.TextIOBase):
            raise ValueError("Files must be opened in binary mode or use BytesIO.")
        data = wrap_file(environ, file)
    try:
        rv = response_class(data, mimetype=mimetype, headers=headers, direct_passthrough=True)
        if size is not None:
            rv.content_length = size
        if last_modified is not None:
            rv.last_modified = last_modified
        elif mtime is not None:
            rv.last_modified = mtime
        rv.cache_control.no_cache = True
        if callable(max_age):
            max_age = max_age(path)
        if max_age is not None:
            if max_age > 0:
                rv.cache_control.no_cache = None
                rv.cache_control.public = True
            rv.cache_control.max_age = max_age
            rv.expires = int(time() + max_age)
        if isinstance(etag, str):
            rv.set_etag(etag)
        elif etag and path is not None:
            check = adler32(path.encode()) & 0xFFFFFFFF
            rv.set_etag(f"{mtime}-{size}-{check}")
        if conditional:
            rv = rv.make_conditional(environ, accept_ranges=True, complete_length=size)
            # some X-Sendfile servers send the file whatever the status
            if rv.status_code == 304:
                rv.headers.pop("x-sendfile", None)
    except BaseException:
        # Werkzeug closes it for a 416 only; here for any failure before
        # the response exists to close it
        if file is not None:
            file.close()
        raise
    return rv


def send_from_directory(directory: os.PathLike[str] | str, path: os.PathLike[str] | str, environ: t.Mapping[str, t.Any], **kwargs: t.Any) -> t.Any:
    """``send_file`` of ``path`` (from the client) under ``directory``
    (trusted): 404 for a path that leaves it (``safe_join``) or is not a
    regular file."""
    path_str = safe_join(os.fspath(directory), os.fspath(path))
    if path_str is None:
        raise NotFound()
    if "_root_path" in kwargs:
        path_str = os.path.join(kwargs["_root_path"], path_str)
    if not os.path.isfile(path_str):
        raise NotFound()
    return send_file(path_str, environ, **kwargs)
