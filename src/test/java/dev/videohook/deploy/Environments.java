package dev.videohook.deploy;

import dev.videohook.config.LocalMode;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.secrets.EnvironmentTenantSecrets;
import java.util.HashSet;
import java.util.Set;

/**
 * Where the environment variables that handlers read come from. A handler's {@code ENVIRONMENT}
 * lists every variable it reads; in AWS, template.yaml sets exactly {@link #deployed} of them.
 */
public final class Environments {
  /** Read by the JVM itself, not by a handler: a template may set them for any function. */
  public static final Set<String> FOR_THE_JVM = Set.of("JAVA_TOOL_OPTIONS");

  /** Set by Lambda itself on every function; a template must not set them. */
  public static final Set<String> SET_BY_LAMBDA =
      Set.of(
          SharedConfig.AWS_REGION,
          DownloadConfig.AWS_LAMBDA_FUNCTION_NAME,
          DownloadConfig.AWS_SAM_LOCAL);

  /**
   * Set only by the local stack, tests and {@code sam local invoke}, never in AWS: emulator
   * endpoints, the local-mode switch for plain-HTTP downloads, and the plain secrets, which in AWS
   * come from Secrets Manager (see {@link dev.videohook.secrets.TenantSecrets#fromEnvironment}).
   * template.yaml declares the ones a function reads with an empty value, because {@code sam local
   * invoke --env-vars} can set only variables that the template declares.
   */
  public static final Set<String> LOCAL_ONLY = localOnly();

  private Environments() {}

  private static Set<String> localOnly() {
    Set<String> names = new HashSet<>(EnvironmentTenantSecrets.ENVIRONMENT);
    names.addAll(Set.of("DYNAMODB_ENDPOINT", "S3_ENDPOINT", LocalMode.LOOPBACK_HTTP));
    return Set.copyOf(names);
  }

  /** Of the variables a handler reads, those its deployed function must have set to a value. */
  public static Set<String> deployed(Set<String> reads) {
    Set<String> deployed = new HashSet<>(reads);
    deployed.removeAll(SET_BY_LAMBDA);
    deployed.removeAll(LOCAL_ONLY);
    return Set.copyOf(deployed);
  }
}
