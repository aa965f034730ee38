# The platform under gunicorn, on a slim Debian Python image with Pango and Noto fonts.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    INSTANCE_PATH=/var/lib/assessment \
    PORT=8000

# Pango for WeasyPrint; Noto (core, CJK) so every script in the reports has its glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-core fonts-noto-cjk curl \
        postgresql-client \
    && fc-cache -f \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 assessment \
    && mkdir -p /var/lib/assessment && chown assessment:assessment /var/lib/assessment

WORKDIR /app
COPY pyproject.toml README.md wsgi.py gunicorn.conf.py ./
COPY assessment ./assessment
COPY questionnaires ./questionnaires
COPY translations ./translations
# Editable, so the app finds questionnaires/ and translations/ beside its package; the
# catalogs are compiled here, as .mo files are build output.
RUN pip install -e ".[s3]" \
    && python -c "from pathlib import Path; from assessment.i18n_catalogs import compile_catalogs; compile_catalogs(Path('translations'))"

USER assessment
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1

# Migrate, then serve. DATABASE_URL points at PostgreSQL in production; without it the
# embedded SQLite database lives in the instance volume.
CMD ["sh", "-c", "flask --app wsgi db upgrade && exec gunicorn --config gunicorn.conf.py --bind 0.0.0.0:${PORT} wsgi:app"]
