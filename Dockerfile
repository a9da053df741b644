# syntax=docker/dockerfile:1
# village-gateway in a container (issue 13, item 1). The box itself runs it under systemd
# (provisioning/install/); this image is for labs, trials and boxes that prefer Docker.
# Multi-arch: docker buildx build --platform linux/arm64,linux/amd64 -t vgw .
# Each platform's build stage runs on that platform (QEMU under buildx), so better-sqlite3 is compiled
# for the CPU that runs it. See README.md, "Running on the box (systemd, Docker)", for docker run/compose.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# Toolchain for native modules (better-sqlite3) in the build stage only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY gateway ./gateway
COPY device-drivers ./device-drivers
COPY cloud-bridge ./cloud-bridge
COPY provisioning ./provisioning
COPY docs ./docs
# Compiled JS: the daemon runs without the TypeScript loader (about 45 MiB less resident memory);
# then the dev dependencies go, so only runtime modules are copied on.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
# espeak-ng renders speech; alsa-utils (aplay, amixer) and mpg123 play; gpiod has gpioget/gpiomon/gpioset.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng alsa-utils mpg123 gpiod \
 && rm -rf /var/lib/apt/lists/*
# Non-root user in the gpio and audio groups. The device nodes carry the HOST's group ids: pass them
# with --group-add (README) when they differ from the ones below (Raspberry Pi OS: gpio 997, audio 29).
RUN groupadd --system --gid 997 gpio \
 && useradd --system --uid 990 --user-group --groups gpio,audio --home-dir /var/lib/vgw --shell /usr/sbin/nologin vgw \
 && mkdir -p /var/lib/vgw /etc/vgw \
 && chown vgw:vgw /var/lib/vgw \
 && chmod 0700 /var/lib/vgw
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/provisioning/bin ./provisioning/bin
# Memory (issue 14): the vgw launcher sets node's heap flags and the malloc and libuv settings, as on
# a box under systemd; `docker run -e` of one of them wins over its default.
ENV NODE_ENV=production \
    VGW_CONFIG=/etc/vgw/vgw.yaml
# The outbox database must outlive the container: gateway.dataDir: /var/lib/vgw in the config.
VOLUME ["/var/lib/vgw"]
USER vgw
# 1883: the village LAN broker; 8080: /healthz, /metrics and the status page when http.enabled.
EXPOSE 1883 8080
# GET /healthz on {dataDir}/status.sock, served with or without http.enabled (gateway/ops/healthcheck.ts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/gateway/ops/healthcheck.js"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/provisioning/bin/vgw"]
CMD ["run", "--config", "/etc/vgw/vgw.yaml"]
