"""Flask's ``flask.typing``: the types of what views, hooks and handlers
take and return, for annotations (extensions import them at run time)."""

from __future__ import annotations

import collections.abc as cabc
import typing as t

if t.TYPE_CHECKING:
    from .datastructures import Headers
    from .response import Response

ResponseValue = t.Union[
    "Response",
    str,
    bytes,
    list[t.Any],
    t.Mapping[str, t.Any],
    t.Iterator[str],
    t.Iterator[bytes],
    cabc.AsyncIterable[str],
    cabc.AsyncIterable[bytes],
]
HeaderValue = t.Union[str, list[str], tuple[str, ...]]
HeadersValue = t.Union["Headers", t.Mapping[str, HeaderValue], t.Sequence[tuple[str, HeaderValue]]]
# a view may return any WSGI application
ResponseReturnValue = t.Union[
    ResponseValue,
    tuple[ResponseValue, HeadersValue],
    tuple[ResponseValue, int],
    tuple[ResponseValue, int, HeadersValue],
    t.Callable[..., t.Iterable[bytes]],
]
ResponseClass = t.TypeVar("ResponseClass", bound="Response")

AppOrBlueprintKey = t.Optional[str]  # the app's key is None, a blueprint's its name
AfterRequestCallable = t.Union[t.Callable[[ResponseClass], ResponseClass], t.Callable[[ResponseClass], t.Awaitable[ResponseClass]]]
BeforeFirstRequestCallable = t.Union[t.Callable[[], None], t.Callable[[], t.Awaitable[None]]]
BeforeRequestCallable = t.Union[
    t.Callable[[], t.Optional[ResponseReturnValue]], t.Callable[[], t.Awaitable[t.Optional[ResponseReturnValue]]]
]
ShellContextProcessorCallable = t.Callable[[], dict[str, t.Any]]
TeardownCallable = t.Union[t.Callable[[t.Optional[BaseException]], None], t.Callable[[t.Optional[BaseException]], t.Awaitable[None]]]
TemplateContextProcessorCallable = t.Union[t.Callable[[], dict[str, t.Any]], t.Callable[[], t.Awaitable[dict[str, t.Any]]]]
TemplateFilterCallable = t.Callable[..., t.Any]
TemplateGlobalCallable = t.Callable[..., t.Any]
TemplateTestCallable = t.Callable[..., bool]
URLDefaultCallable = t.Callable[[str, dict[str, t.Any]], None]
URLValuePreprocessorCallable = t.Callable[[t.Optional[str], t.Optional[dict[str, t.Any]]], None]
ErrorHandlerCallable = t.Union[t.Callable[[t.Any], ResponseReturnValue], t.Callable[[t.Any], t.Awaitable[ResponseReturnValue]]]
RouteCallable = t.Union[t.Callable[..., ResponseReturnValue], t.Callable[..., t.Awaitable[ResponseReturnValue]]]
