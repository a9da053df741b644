# village-gateway in a container (the box itself runs it under systemd; this image is for township
# labs and CI-like trials). Node 22 LTS; better-sqlite3 and its SQLite are compiled in the build stage.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY gateway ./gateway
COPY device-drivers ./device-drivers
COPY cloud-bridge ./cloud-bridge
COPY provisioning ./provisioning
COPY docs ./docs
COPY tsconfig.json tsconfig.build.json ./
# Compiled JS: the daemon then runs without the TypeScript loader (about 45 MiB less resident memory).
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# The loudspeaker's real backend: espeak-ng renders speech, aplay/amixer (alsa-utils) and mpg123 play.
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng alsa-utils mpg123 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
# The outbox database must outlive the container: mount a volume here and set gateway.dataDir to it.
RUN mkdir -p /var/lib/vgw && chown node:node /var/lib/vgw
VOLUME /var/lib/vgw
USER node
EXPOSE 1883
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "provisioning/bin/vgw.js"]
CMD ["run", "--config", "/etc/vgw/vgw.yaml"]
