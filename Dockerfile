# syntax=docker/dockerfile:1
# Multi-stage: build a wheel, install it with only its runtime dependencies into a slim image,
# run as a non-root user. No secrets are baked in: SLACK_* and AWS settings come from the
# environment at run time. The wheel is the bot alone (bot/, handlers/): the simulator and the
# playground come with a checkout, never with the image (build_backend/backend.py).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY build_backend ./build_backend
COPY bot ./bot
COPY handlers ./handlers
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=3000
RUN useradd --create-home --uid 10001 bot
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER bot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz')" || exit 1
ENTRYPOINT ["compliance-bot"]
CMD ["serve"]
