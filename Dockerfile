# The onnxoll command (and `serve`) in an image: packed and installed as the .NET tool, run on the ASP.NET Core runtime
# (serve needs it). Build: docker build -t onnxoll .   Serve: see the README ("On a fresh machine").
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet pack src/OnnxOll.Cli -c Release -o /nupkg \
 && dotnet tool install OnnxOll.Cli --tool-path /opt/onnxoll --add-source /nupkg

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /opt/onnxoll /opt/onnxoll
ENV PATH=/opt/onnxoll:$PATH DOTNET_CLI_TELEMETRY_OPTOUT=1
WORKDIR /work
EXPOSE 8089
ENTRYPOINT ["onnxoll"]
CMD ["--help"]
