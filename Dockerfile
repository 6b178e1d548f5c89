# CamReview portal image. Not built on the development machines (they have no container engine); it follows
# the same steps as scripts/setup.sh and the published layout that the README describes.
# Build: docker compose build      Run: docker compose up

ARG RUNTIME_BASE=debian:bookworm-slim
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ENV DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# OpenCV and ONNX Runtime arrive as NuGet packages; the front end (MudBlazor, Plotly.Blazor) too.
WORKDIR /src
COPY . .
RUN bash scripts/setup.sh --skip-apt --skip-build
# The web project publishes the static web assets (scoped CSS, manifests); the CLI goes beside it.
RUN dotnet publish src/CamReview.Web -c Release -o /app \
    && dotnet publish src/CamReview.Cli -c Release -o /app \
    && cp -r wwwroot/. /app/wwwroot/

# Debian 12, as on the machines the project is tested on, with the ASP.NET Core 10 runtime beside it. A GPU render
# worker's image is built on a CUDA 13 runtime image instead (RUNTIME_BASE, see docker-compose.scale.yml): ONNX
# Runtime's CUDA provider needs libcudart.so.13, cuBLAS and cuRAND, and falls back to the CPU without them.
FROM ${RUNTIME_BASE}
ENV DEBIAN_FRONTEND=noninteractive DOTNET_ROOT=/usr/share/dotnet
# ffmpeg encodes H.264; GTK 3 is linked by OpenCvSharp's native OpenCV library (libgtk-3-0 on Debian 12; renamed
# libgtk-3-0t64 on the Ubuntu 24.04 of CUDA images).
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates ffmpeg \
        $(apt-cache show libgtk-3-0t64 > /dev/null 2>&1 && echo libgtk-3-0t64 || echo libgtk-3-0) \
    && rm -rf /var/lib/apt/lists/*
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0 /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet
COPY --from=build /app /app
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/app/camreview"]
CMD ["serve", "--urls", "http://0.0.0.0:8080", "--data", "/data"]
