package dev.videohook.download;

import dev.videohook.config.AwsClients;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The downloader's S3 client: synchronous, on the URL-connection HTTP client (no Netty, no Apache
 * client in the artifact), checksums only where S3 requires them (S3Proxy rejects the SDK's default
 * trailing checksums), path-style addressing against an endpoint override.
 */
public final class S3Clients {
  private S3Clients() {}

  public static S3Client s3(Region region, Optional<URI> endpoint) {
    var builder =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build())
            .region(region)
            .credentialsProvider(AwsClients.credentials(endpoint))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    endpoint.ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }
}
