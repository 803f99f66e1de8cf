# syntax=docker/dockerfile:1
# Multi-stage: build a wheel, install it into a clean slim image, run as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY simulator ./simulator
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 bot
COPY --from=build /wheels /wheels
# Until the Slack app lands (`compliance-bot serve`, issue #5) the image serves the aggregator
# simulator, which needs the `demo` extra; the bot's own image will install only runtime deps.
RUN pip install --no-cache-dir "$(ls /wheels/*.whl)[demo]" && rm -rf /wheels
USER bot
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/moto-api/')" || exit 1
ENTRYPOINT ["compliance-bot"]
CMD ["sim", "--host", "0.0.0.0", "--port", "5000"]
