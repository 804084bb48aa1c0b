package dev.videohook.bench;

import java.util.Arrays;

/**
 * {@code mvn -q -Pbench -Dexec.args="download --size-mib 1024"} or {@code -Dexec.args="receiver
 * --guide-dir DIR"}: one entry point for the benchmarks, each reporting against its baseline run in
 * the same process.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String bench = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (bench) {
      case "download" -> DownloadBench.main(rest);
      case "receiver" -> ReceiverBench.main(rest);
      case "coldstart" -> ColdStartBench.main(rest);
      case "verifier" -> VerifierBench.main(rest);
      case "delivery" -> DeliveryBench.main(rest);
      default -> {
        System.err.println(
            "usage: -Dexec.args=\"download [--size-mib N]\"  or  -Dexec.args=\"receiver [--requests N] [--concurrency N] [--guide-dir DIR]\"  or  -Dexec.args=\"coldstart [--runs N] [--guide-dir DIR]\"  or  -Dexec.args=verifier  or  -Dexec.args=delivery");
        System.exit(2);
      }
    }
  }
}
