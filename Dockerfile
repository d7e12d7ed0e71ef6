# One image for the emulator, the worker and the API (docker-compose.yml picks the command).
# Debian, not Alpine: the Temporal worker's native core is built against glibc.
FROM node:20.19-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false

# Dependencies first so a code change does not reinstall them. Dev dependencies stay:
# the services run TypeScript through tsx.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY . .
# The data folder (config SHARDPILOT_DATA_DIR, default .data) is the only place the services write.
RUN mkdir -p .data && chown node:node .data
USER node

EXPOSE 3000 4566
CMD ["node", "--import", "tsx", "api/server.ts"]
