# The example API (examples/api.py) in a container, from a wheel built here:
#   docker build -t fastdispatch-api .
#   docker run --rm -p 8000:8000 fastdispatch-api
#   curl http://127.0.0.1:8000/health
# For your own app: COPY it instead of examples/ and change APP.
#
# Two stages: the wheel (compiled router and request path) is built where
# there is a compiler and Cython; the image that runs has neither, nor the
# source tree: only the installed wheel, the server and the app.

FROM python:3.12 AS wheel
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE ./
COPY src/ src/
COPY fastdispatch/ fastdispatch/
# a wheel without its compiled modules would run 5-30x slower: fail instead
ENV FASTDISPATCH_REQUIRE_EXTENSIONS=1
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
 && python -m pip install --no-cache-dir --no-index --no-deps /wheels/fastdispatch-*.whl \
 && python -c "import fastdispatch.routing as r; assert r.CompiledRouter is not None"

FROM python:3.12-slim
# granian: maintained, installs from a wheel (no compiler in this image), and
# passes the hostile-client suite with no FAIL (docs/serving.md)
COPY --from=wheel /wheels /wheels
# the wheel by its path (an index could hold another project of the same name)
RUN pip install --no-cache-dir "$(echo /wheels/fastdispatch-*.whl)[granian]" && rm -rf /wheels
RUN useradd --create-home --uid 10001 app
USER app
WORKDIR /app
COPY --chown=app examples/ examples/
ENV APP=examples.api:app WORKERS=2
EXPOSE 8000
# the orchestrator's SIGTERM reaches the server (exec): requests in progress
# finish and it exits 0
CMD exec fastdispatch serve "$APP" --server granian --host 0.0.0.0 --port 8000 --workers "$WORKERS" --access-log
HEALTHCHECK --interval=30s --timeout=3s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"
