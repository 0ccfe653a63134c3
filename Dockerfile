# The one image for web, worker and beat (docker-compose.yml runs it three ways).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KLOUT_VAR_DIR=/var/lib/klout
WORKDIR /app

COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/base.in -c requirements/constraints.txt

COPY . .
# Front-end libraries come from the npm registry, checked against their integrity hashes.
RUN python klout/assets.py \
 && DEBUG=0 KLOUT_VAR_DIR=/app/build TOKEN_ENCRYPTION_KEY=build-only \
    SECRET_KEY=build-only-never-used-to-sign-anything-0123456789abcdefghijklmnop \
    python manage.py collectstatic --no-input \
 && mkdir -p /var/lib/klout && mv /app/build/staticfiles /var/lib/klout/staticfiles && rm -rf /app/build \
 && mkdir -p /var/lib/klout/media && useradd --system --home /var/lib/klout klout && chown -R klout /var/lib/klout
USER klout

EXPOSE 8000
CMD ["gunicorn", "klout.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
