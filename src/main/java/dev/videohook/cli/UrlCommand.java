package dev.videohook.cli;

import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

@Command(
    name = "url",
    mixinStandardHelpOptions = true,
    description =
        "Prints a presigned GET URL for each stored object of a job, one per line, in output"
            + " order.")
final class UrlCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin JobReference job;

  @Option(
      names = {"-e", "--expires"},
      defaultValue = "PT1H",
      description =
          "How long the URLs work, an ISO-8601 duration up to P7D (default: ${DEFAULT-VALUE}).")
  String expires;

  @Option(names = "--json", description = "One JSON document on standard output.")
  boolean json;

  @Override
  public Integer call() {
    job.checkServed(cli.env);
    Duration expiry;
    try {
      expiry = Duration.parse(expires);
    } catch (RuntimeException e) {
      throw new CliException(
          ExitCode.USAGE,
          "--expires must be an ISO-8601 duration such as PT15M or PT1H, got '" + expires + "'");
    }
    // a presigned URL's lifetime is whole seconds: PT0.5S would fail inside the signer
    if (expiry.compareTo(ObjectUrls.MIN_EXPIRY) < 0
        || expiry.getNano() != 0
        || expiry.compareTo(ObjectUrls.MAX_EXPIRY) > 0) {
      throw new CliException(
          ExitCode.USAGE,
          "--expires must be whole seconds from PT1S to P7D (S3's limits for a presigned URL),"
              + " e.g. PT10M; got "
              + expires);
    }
    PrintWriter out = spec.commandLine().getOut();
    Job found = job.require(cli.env.jobStore(), spec.commandLine().getErr());
    if (found.status() != JobStatus.STORED) {
      throw new CliException(
          ExitCode.FAILED,
          "job " + found.key() + " is " + found.status().value() + ", not stored: no objects yet");
    }
    try (S3Presigner presigner = cli.env.presigner()) {
      List<URI> urls = ObjectUrls.presign(presigner, found, expiry);
      if (json) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("tenant", found.tenant());
        document.put("provider", found.provider().id());
        document.put("job_id", found.jobId());
        document.put("expires_in_seconds", expiry.toSeconds());
        document.put("urls", urls.stream().map(URI::toString).toList());
        JobJson.print(out, document);
      } else {
        urls.forEach(out::println);
      }
    }
    return ExitCode.OK;
  }
}
