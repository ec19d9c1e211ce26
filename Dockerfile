# The Hermes Agent image with hermes-init and privdrop in place of main-wrapper.sh,
# with-contenv and s6-setuidgid. Build: docker build -t hermes-agent:native .
#   --build-arg HERMES_BASE_IMAGE=...   the published image to start from
#   --build-arg SWIFT_IMAGE=...         an official Swift 6.x image (Debian bookworm)
#   --build-arg BINARIES=prebuilt       take dist/privdrop and dist/hermes-init (made by
#                                       scripts/build-embedded.sh) instead of compiling
#                                       them here; for machines without the Swift image
# Multi-arch: docker buildx build --platform linux/amd64,linux/arm64 . (the binaries are
# cross-built on the build machine; the base image must exist for both platforms).
# podman 4.3 (buildah 1.28) resolves `FROM ${BINARIES}` only from a value given on the
# command line: there, pass --build-arg BINARIES=build (or =prebuilt) explicitly.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG HERMES_BASE_IMAGE=nousresearch/hermes-agent:latest
ARG BINARIES=build

# The build stage runs on the build machine and cross-builds for the target platform:
# `docker buildx build --platform linux/amd64,linux/arm64 .` on an amd64 builder runs
# the Swift compiler natively for both (scripts/build-embedded.sh, ARCH from TARGETARCH).
FROM --platform=${BUILDPLATFORM} ${SWIFT_IMAGE} AS build
ARG TARGETARCH
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools=1.2.3-1 musl-dev=1.2.3-1 file=1:5.44-3 \
    && if [ "${TARGETARCH:-}" = arm64 ] && [ "$(uname -m)" = x86_64 ]; then \
         dpkg --add-architecture arm64 && apt-get update \
         && apt-get install -y --no-install-recommends musl-dev:arm64=1.2.3-1 gcc-aarch64-linux-gnu=4:12.2.0-3; \
       fi \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Sources/ Sources/
COPY scripts/build-embedded.sh scripts/
COPY scripts/layout/ scripts/layout/
# The shipped build: Embedded Swift against musl, linked static. The script fails
# unless `file` calls both binaries statically linked; the check is repeated here.
RUN ARCH="${TARGETARCH:-$(uname -m)}" scripts/build-embedded.sh /out \
    && file /out/privdrop /out/hermes-init \
    && [ "$(file /out/privdrop /out/hermes-init | grep -c 'statically linked')" = 2 ]

FROM scratch AS prebuilt
COPY dist/privdrop dist/hermes-init /out/

# hadolint ignore=DL3006
FROM ${BINARIES} AS binaries

# The base image runs as root (USER root): /init needs it, and hermes-init drops to
# hermes itself, so no USER line here.
FROM ${HERMES_BASE_IMAGE} AS image
COPY --from=binaries --chmod=0755 /out/hermes-init /out/privdrop /opt/hermes/bin/
# The installed hermes-agent renders the gateway slots and finds the container's
# command: docker/hermes-agent/apply.py applies the patch for its version (slots that
# exec privdrop; the reconciler sees the command behind hermes-init), checks the result,
# and writes the CLI's own subcommand list for hermes-init's routing. A hermes-agent the
# patch does not fit fails the build, naming the version found.
# HERMES_AGENT_PATCH=skip is for test images whose hermes_cli is a stand-in only.
# The supported releases and their patches: docker/hermes-agent/releases. The release's
# settings (--release) tell the dashboard service its release's --insecure rule.
ARG HERMES_AGENT_PATCH=apply
COPY docker/hermes-agent/apply.py docker/hermes-agent/releases docker/hermes-agent/hermes-agent-*.patch /tmp/hermes-agent/
RUN if [ "${HERMES_AGENT_PATCH}" = skip ]; then \
      echo "hermes-agent-patch: skipped (HERMES_AGENT_PATCH=skip): slots keep what hermes_cli renders" >&2; \
    else \
      /opt/hermes/.venv/bin/python /tmp/hermes-agent/apply.py \
        --subcommands /opt/hermes/share/hermes-init/subcommands \
        --release /opt/hermes/share/hermes-init/release; \
    fi \
    && rm -rf /tmp/hermes-agent
# docker exec shim (`docker exec C hermes ...` drops to hermes through privdrop) and
# gateway-health, for health checks and probes.
COPY --chmod=0755 docker/bin/hermes docker/bin/gateway-health /opt/hermes/bin/
# Static s6-rc services, registered in the user bundle the base image's s6-overlay
# reads (decided from its version: register-services.sh).
COPY docker/s6-overlay/s6-rc.d/ /etc/s6-overlay/s6-rc.d/
COPY --chmod=0755 docker/cont-init.d/02-reconcile-profiles /etc/cont-init.d/02-reconcile-profiles
COPY --chmod=0755 docker/register-services.sh /tmp/register-services.sh
RUN /tmp/register-services.sh main-hermes dashboard \
    && rm /tmp/register-services.sh \
    && chmod 0755 /etc/s6-overlay/s6-rc.d/main-hermes/run /etc/s6-overlay/s6-rc.d/dashboard/run \
       /etc/s6-overlay/s6-rc.d/dashboard/finish \
    && mkdir -p /opt/hermes/docker \
    && ln -sf /opt/hermes/bin/hermes-init /opt/hermes/docker/main-wrapper.sh \
    && /opt/hermes/bin/privdrop --version \
    && /opt/hermes/bin/hermes-init --hermes-init-version

# --target runtime-init: for runtimes that put their own init at PID 1 (docker run
# --init, compose init: true, Kubernetes shareProcessNamespace). hermes-init decides:
# PID 1 -> it execs /init, and the whole supervision tree boots as with the default;
# under another init -> the boot steps, then the command (no supervised services).
FROM image AS runtime-init
ENTRYPOINT ["/opt/hermes/bin/hermes-init"]
CMD []

# The default: s6-overlay's /init is PID 1 and runs hermes-init as the CMD.
FROM image AS default
ENTRYPOINT ["/init", "/opt/hermes/bin/hermes-init"]
CMD []
