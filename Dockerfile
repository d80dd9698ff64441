# steward as a container's PID 1: one static binary on a slim base.
#
#   docker build -t steward .
#   docker run --rm -p 9100:9100 steward            # runs /etc/steward/steward.json5
#
# Not run on the machines this project is built on (no Docker engine there): it repeats what
# Scripts/build-static and Scripts/pid1-check do, which are run. The build and the runtime base
# must agree on glibc (the binary needs the glibc it was linked against, or newer): both are
# Debian bookworm here.
ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The Swift runtime linked in, stripped; fails if ldd lists a library of the Swift toolchain.
RUN Scripts/build-static --output /out/steward

FROM debian:bookworm-slim
# libsqlite3-0: the run journal (the only library besides libc). tzdata is optional: steward has
# the zone data built in and prefers /usr/share/zoneinfo when it exists.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/steward /etc/steward
COPY --from=build /out/steward /usr/local/bin/steward
COPY Examples/docker/steward.json5 /etc/steward/steward.json5
EXPOSE 9100
ENTRYPOINT ["/usr/local/bin/steward"]
CMD ["run", "/etc/steward/steward.json5"]
