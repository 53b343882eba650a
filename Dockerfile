# RleTcp server image: build with the SDK, run the self-contained single file on the minimal runtime-deps base as
# the image's non-root user. (Not built in this repository's CI: no container engine or registry access there.)
#   docker build -t rletcp .
#   docker run --rm -p 2015:2015 -p 9464:9464 rletcp
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# gcc and libjpeg's headers: the build compiles librletcp_jpeg.so (a JPEG dithers while libjpeg decodes it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libjpeg62-turbo-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protocol/ protocol/
COPY imaging/ imaging/
COPY server/ server/
RUN dotnet publish server/RleTcp.Server -c Release -p:PublishProfile=linux-x64 -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
# libjpeg-turbo's TurboJPEG API: JPEG decoded as Debian's Pillow decodes it (without it, ImageSharp decodes JPEG).
# Debian calls the package libturbojpeg0, Ubuntu libturbojpeg. libdeflate0: PNG image data inflated in one call
# (without it, ZLibStream inflates PNG). libjpeg62-turbo: librletcp_jpeg.so's libjpeg (without it, JPEG decodes
# through TurboJPEG a whole image at a time).
RUN apt-get update \
    && (apt-get install -y --no-install-recommends libturbojpeg0 || apt-get install -y --no-install-recommends libturbojpeg) \
    && apt-get install -y --no-install-recommends libdeflate0 libjpeg62-turbo \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/RleTcp.Server /app/appsettings.json /app/librletcp_jpeg.so ./
# In a container the listener must accept connections from outside the container's loopback.
ENV RLETCP_BIND=0.0.0.0 \
    RLETCP_PORT=2015 \
    RLETCP_METRICS__PORT=9464 \
    RLETCP_METRICS__BIND=0.0.0.0
EXPOSE 2015 9464
USER $APP_UID
ENTRYPOINT ["/app/RleTcp.Server"]
