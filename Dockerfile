# The Copydesk worker. Build: docker build -t copydesk .   Run: see docker-compose.yml.
FROM python:3.11-slim

# Faust's dependencies include C extensions with wheels; nothing to compile here.
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/copydesk --create-home copydesk

WORKDIR /opt/copydesk
COPY pyproject.toml README.md ./
COPY worker ./worker
COPY config ./config
# rocksdb: the table store the compose file runs (a restart with its volume skips the replay).
RUN pip install '.[rocksdb]'

USER copydesk
ENV COPYDESK_DATA_DIR=/var/lib/copydesk \
    COPYDESK_WEB_BIND=0.0.0.0
VOLUME ["/var/lib/copydesk"]
EXPOSE 6066
ENTRYPOINT ["copydesk"]
CMD ["run"]
