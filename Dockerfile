# One image for both roles: `serve` (the default command) and `work`.
#   docker build -t sobel .                                   # every x86-64 CPU at full speed: the kernels pick
#                                                             # AVX-512, AVX2 or SSE2 code at run time (SOBEL_CPU)
#   docker build --build-arg SWIFT_CPU_FLAGS="-Xswiftc -target-cpu -Xswiftc znver4" -t sobel:znver4 .   # optional
#   docker run -p 8080:8080 sobel                             # embedded mode
#   docker run -e SOBEL_AMQP_URL=… -e SOBEL_REDIS_URL=… sobel work --concurrency 4

# ---- build: the Swift toolchain and the -dev packages of scripts/lib/require.sh
FROM swift:6.3-bookworm AS build
# The build's Debian packages, the same list as SOBEL_APT_PACKAGES in scripts/lib/require.sh (a test checks).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libpng-dev libjpeg-dev zlib1g-dev libdeflate-dev libhiredis-dev librabbitmq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# CPU tuning is an optional build argument, never part of Package.swift; the hot kernels choose their CPU level at
# run time either way.
ARG SWIFT_CPU_FLAGS=""
# hadolint ignore=SC2086
RUN swift build -c release --product sobel --static-swift-stdlib $SWIFT_CPU_FLAGS \
    && cp "$(swift build -c release --show-bin-path)/sobel" /usr/local/bin/sobel

# ---- runtime: slim Debian with only the shared libraries sobel links, as a non-root user
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpng16-16=1.6.39-2+deb12u6 libjpeg62-turbo=1:2.1.5-2 zlib1g=1:1.2.13.dfsg-1 libdeflate0=1.14-1 \
       libhiredis0.14=0.14.1-3 librabbitmq4=0.11.0-1+deb12u3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin sobel
COPY --from=build /usr/local/bin/sobel /usr/local/bin/sobel
USER 10001
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/sobel"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
