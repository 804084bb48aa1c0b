package dev.videohook.local;

import dev.videohook.provider.Provider;

/**
 * Where the local stack listens. Serve mode uses stable defaults, so that the settings file it
 * writes ({@code target/local.env}) still holds after a restart; a default that another program
 * holds is replaced by a free port (the file and banner then say which). Port 0 means any free one,
 * as tests want.
 *
 * @param api the webhook server and jobs page ({@code serve --port}, default 3000)
 * @param moto moto: DynamoDB, Secrets Manager, EventBridge, SQS (default {@value #MOTO})
 * @param s3 moto's S3, in a moto process of its own (default {@value #S3})
 * @param simulators the first of the simulated providers' ports (default {@value #SIMULATORS}): each
 *     provider takes two in {@link Provider} order, its API then its CDN
 */
public record LocalPorts(int api, int moto, int s3, int simulators) {
  public static final int MOTO = 4700;
  public static final int S3 = 4701;
  public static final int SIMULATORS = 4702;

  /** Any free port for everything but the API server. */
  public static LocalPorts any(int api) {
    return new LocalPorts(api, 0, 0, 0);
  }

  /** Serve mode's stable defaults. */
  public static LocalPorts serve(int api) {
    return new LocalPorts(api, MOTO, S3, SIMULATORS);
  }

  public int simulatorApi(Provider provider) {
    return simulators == 0 ? 0 : simulators + 2 * provider.ordinal();
  }

  public int simulatorCdn(Provider provider) {
    return simulators == 0 ? 0 : simulators + 2 * provider.ordinal() + 1;
  }
}
