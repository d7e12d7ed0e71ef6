# shardpilot's services (API, worker, emulator) from the compiled build. Three stages:
# build (dev dependencies, tsc, the prebuilt workflow bundle), production dependencies
# only, and the runtime image that holds just those two results and runs as non-root.
# Debian, not Alpine: the Temporal worker's native core is built against glibc.
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts scripts/build.ts
COPY workflows workflows
COPY activities activities
COPY scaling scaling
COPY api api
COPY workers workers
COPY emulator emulator
COPY data data
COPY config config
COPY model model
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    SHARDPILOT_DATA_DIR=/app/.data \
    LOG_FORMAT=json
COPY --from=deps /app/node_modules node_modules
COPY --from=build /src/dist dist
COPY package.json ./
# The data folder is the only place the services write (replay inputs).
RUN mkdir -p /app/.data && chown 1000:1000 /app/.data
# The image's `node` user, by number so orchestrators can verify it is not root.
USER 1000:1000
# API, emulator, worker health, worker Prometheus metrics.
EXPOSE 3000 4566 8080 9464
CMD ["node", "dist/api/server.js"]
