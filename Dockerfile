# CamReview portal image. Not built on the development machines (they have no container engine); it follows
# the same steps as scripts/setup.sh and the published layout that the README describes.
# Build: docker compose build      Run: docker compose up

FROM debian:bookworm-slim AS build
ENV DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
RUN apt-get update && apt-get install -y --no-install-recommends \
        ca-certificates curl libopencv-dev cmake g++ pkg-config nodejs npm libicu72 \
    && rm -rf /var/lib/apt/lists/*
# The .NET SDK (any SDK that builds net9.0; the project targets net9.0 self-contained for linux-x64).
RUN curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh \
    && bash /tmp/dotnet-install.sh --channel 10.0 --install-dir /usr/share/dotnet \
    && ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet
WORKDIR /src
COPY . .
# Native shim, ONNX Runtime and front-end packages, exactly as on a developer machine.
RUN bash scripts/setup.sh --skip-apt --skip-build
# The web project publishes the static web assets (scoped CSS, manifests); the CLI goes beside it.
RUN dotnet publish src/CamReview.Web -c Release -o /app \
    && dotnet publish src/CamReview.Cli -c Release -o /app \
    && cp -r wwwroot/. /app/wwwroot/

FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
# OpenCV 4.6 runtime libraries for the shim, and ffmpeg for video encoding.
RUN apt-get update && apt-get install -y --no-install-recommends \
        ca-certificates ffmpeg libopencv-core406 libopencv-imgproc406 libopencv-imgcodecs406 \
        libopencv-videoio406 libopencv-features2d406 libopencv-calib3d406 libopencv-photo406 libopencv-flann406 \
        libopencv-video406 libopencv-dnn406 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/app/camreview"]
CMD ["serve", "--urls", "http://0.0.0.0:8080", "--data", "/data"]
