# nodedoc: one image for the agent (DaemonSet), the collector (Deployment) and the CLI.
#
#   docker build -t nodedoc .            # or: buildah bud -t nodedoc .
#
# Behind a TLS-intercepting proxy, hand its CA to the npm step (it never lands in a layer):
#   docker build --secret id=extra-ca,src=/path/to/ca.pem .
#
# The build stage has the compilers (better-sqlite3 is a native addon); the final stage gets only the
# production node_modules, the compiled JavaScript, the .proto files (loaded at runtime) and the runbooks.

FROM node:20-bookworm-slim AS build

# python3, make and g++ are what node-gyp needs to compile better-sqlite3. Only this stage has them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# A build log without npm's "new version available" notice.
ENV npm_config_update_notifier=false

COPY package.json package-lock.json ./

# Install scripts follow package.json "allowScripts" on any npm version: none run during `npm ci`, then the
# one allowed (better-sqlite3) runs explicitly; protobufjs's never run. better-sqlite3 is compiled against
# the headers the base image ships in /usr/local/include/node (nodedir, build-from-source) instead of
# downloading headers or a prebuilt binary: the build reaches no host but the npm registry and the Debian
# mirror, and the addon is built for exactly the Node in this image. (npm 11 warns that it does not know
# these two keys; it passes them on to prebuild-install and node-gyp, which do.)
RUN --mount=type=secret,id=extra-ca \
    if [ -f /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund \
 && npm_config_nodedir=/usr/local npm_config_build_from_source=true npm rebuild better-sqlite3 \
 && test -f node_modules/better-sqlite3/build/Release/better_sqlite3.node \
 && npm cache clean --force

COPY tsconfig.json ./
COPY proto/ proto/
COPY common/ common/
COPY agent/ agent/
COPY collector/ collector/
COPY cli/ cli/

# /out is exactly what the final stage gets: dev dependencies pruned (and the empty @scope directories
# npm prune leaves behind); of better-sqlite3's build only the addon (not the SQLite sources, object files
# and static library, ~20 MB); of proto/ only the .proto files (the TypeScript generated from them is
# compiled into dist/), without the benchmarks and the test harness they share (dist/bench, dist/test);
# collector/runbooks, made empty if this tree has none, so the COPY below never depends on it.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && find node_modules -mindepth 1 -maxdepth 1 -type d -empty -delete \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv better_sqlite3.node build/Release/ \
 && cd /src \
 && mkdir -p collector/runbooks /out/collector /out/proto \
 && cp -a package.json node_modules dist /out/ \
 && rm -rf /out/dist/bench /out/dist/test \
 && cp -a collector/runbooks /out/collector/ \
 && (cd proto && find . -name '*.proto' -exec cp --parents {} /out/proto/ \;)

FROM node:20-bookworm-slim

# Set by the build (`--build-arg VERSION=$(node -p "require('./package.json').version")`); the image test
# checks the label against package.json.
ARG VERSION=0.1.0
ARG REVISION=unknown

LABEL org.opencontainers.image.title="nodedoc" \
      org.opencontainers.image.description="Explains why a Kubernetes node is NotReady (or about to be): node agent, diagnosing collector and CLI." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim"

# 65532 is the conventional "nonroot" uid/gid of distroless images; nothing in the image runs as it but
# the collector, which owns only its data directory.
ARG NONROOT=65532

# The collector's store lives in /var/lib/nodedoc unless --data-dir says otherwise (mount a volume there).
ENV NODE_ENV=production \
    NODEDOC_DATA_DIR=/var/lib/nodedoc

COPY --from=build /out/ /opt/nodedoc/

# The three programs on PATH (the CLI also as kubectl-nodedoc, the name kubectl looks up for `kubectl nodedoc`). The agent's `#!/usr/bin/env -S node --lite-mode …` line finds node in
# /usr/local/bin, and node resolves the symlink, so dist/ finds proto/ and package.json beside it.
RUN ln -s /opt/nodedoc/dist/agent/main.js /usr/local/bin/nodedoc-agent \
 && ln -s /opt/nodedoc/dist/collector/main.js /usr/local/bin/nodedoc-collector \
 && ln -s /opt/nodedoc/dist/cli/main.js /usr/local/bin/nodedoc \
 && ln -s /opt/nodedoc/dist/cli/main.js /usr/local/bin/kubectl-nodedoc \
 && mkdir -p /var/lib/nodedoc \
 && chown "${NONROOT}:${NONROOT}" /var/lib/nodedoc

WORKDIR /var/lib/nodedoc
USER ${NONROOT}:${NONROOT}

# gRPC (agents, queries) and HTTP (API, dashboard, /metrics) of the collector; the agent's /metrics.
EXPOSE 50051 8080 9101

# No entrypoint wrapper: the pod (or `docker run IMAGE nodedoc-agent …`) names the program.
ENTRYPOINT []
CMD ["nodedoc-collector"]
