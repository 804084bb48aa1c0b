package dev.videohook.cli;

import dev.videohook.job.Job;
import dev.videohook.job.StoredObject;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderJob;
import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Shows a job as the provider reports it and as videohook stored it, side by side.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin JobReference job;

  @Option(names = "--api-base", description = "Provider API base URL.")
  URI apiBase;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ProviderJob remote;
    try {
      remote = cli.env.providerClient(job.provider(), apiBase).status(job.jobId);
    } catch (ProviderApiException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage());
    }
    Optional<Job> stored =
        cli.env.hasJobTable() ? cli.env.jobStore().find(job.key()) : Optional.empty();
    String storedNote = cli.env.hasJobTable() ? "(not recorded)" : "(JOBS_TABLE not set)";
    out.printf(
        "%-14s %-32s %s%n", "", job.provider().id(), "videohook (tenant " + job.tenant + ")");
    row(out, "status", remote.status(), stored.map(s -> s.status().value()).orElse(storedNote));
    row(
        out,
        "unsigned_urls",
        String.valueOf(remote.unsignedUrls().size()),
        stored.map(s -> String.valueOf(s.unsignedUrls().size())).orElse(""));
    row(out, "error", remote.error(), stored.map(Job::error).orElse(null));
    stored.ifPresent(
        s -> {
          List<StoredObject> objects = s.stored().objects();
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("submitted_at", s.times().submittedAt());
          fields.put("terminal_at", s.times().terminalAt());
          fields.put("stored_at", s.times().storedAt());
          fields.put("bucket", s.stored().bucket());
          fields.put("object_keys", objects.isEmpty() ? null : map(objects, StoredObject::key));
          fields.put(
              "object_sha256s", objects.isEmpty() ? null : map(objects, StoredObject::sha256));
          fields.put("last_download_error", s.download().lastError());
          fields.forEach(
              (name, value) -> {
                if (value != null) {
                  row(out, name, "", value);
                }
              });
        });
    return ExitCode.OK;
  }

  private static List<String> map(List<StoredObject> objects, Function<StoredObject, String> f) {
    return objects.stream().map(f).toList();
  }

  private static void row(PrintWriter out, String name, Object remote, Object stored) {
    out.printf(
        "%-14s %-32s %s%n", name, remote == null ? "-" : remote, stored == null ? "-" : stored);
  }
}
