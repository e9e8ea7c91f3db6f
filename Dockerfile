# Pilote in a container: `docker build -t pilote .` then
#   docker run -p 8501:8501 -v pilote-data:/data pilote
# A team instance adds -e PILOTE_DATABASE_URL=postgresql://… and, for login, mounts
# .streamlit/secrets.toml (see docs/hosting.md). Secrets are never baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    ARROW_DEFAULT_MEMORY_POOL=system \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PILOTE_DATA_DIR=/data

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. Every runtime dependency
# ships manylinux wheels (psycopg's binary wheel bundles libpq): no compiler, no apt packages.
COPY requirements.txt ./
RUN pip install --no-compile -r requirements.txt

# The app runs as an unprivileged user who can write only to /data (the SQLite store and
# saved mappings); the code belongs to root and stays read-only for it.
RUN useradd --create-home --uid 10001 --user-group pilote \
    && mkdir -p /data \
    && chown pilote:pilote /data
COPY . .
USER pilote
VOLUME ["/data"]

EXPOSE 8501

# No curl in the slim image: Python's urllib asks Streamlit's own health endpoint.
# (With server.baseUrlPath set, the endpoint moves to /<base>/_stcore/health.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["streamlit", "run", "app.py", "--server.address", "0.0.0.0"]
