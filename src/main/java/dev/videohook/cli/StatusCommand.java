package dev.videohook.cli;

import dev.videohook.job.ItemJson;
import dev.videohook.job.JobTable;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderJob;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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
      remote = cli.env.providerClient(job.provider, apiBase).status(job.jobId);
    } catch (ProviderApiException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage());
    }
    Optional<Map<String, Object>> stored =
        cli.env.hasJobTable()
            ? cli.env
                .jobStore()
                .findJob(job.tenant, job.provider.id(), job.jobId)
                .map(ItemJson::toPlain)
            : Optional.empty();
    String storedNote = cli.env.hasJobTable() ? "(not recorded)" : "(JOBS_TABLE not set)";
    out.printf("%-14s %-32s %s%n", "", job.provider.id(), "videohook (tenant " + job.tenant + ")");
    row(out, "status", remote.status(), stored.map(s -> s.get(JobTable.STATUS)).orElse(storedNote));
    row(
        out,
        "unsigned_urls",
        String.valueOf(remote.unsignedUrls().size()),
        stored
            .map(s -> s.get(JobTable.UNSIGNED_URLS))
            .map(u -> String.valueOf(((java.util.List<?>) u).size()))
            .orElse(""));
    row(out, "error", remote.error(), stored.map(s -> s.get(JobTable.ERROR)).orElse(null));
    stored.ifPresent(
        s -> {
          for (String field :
              new String[] {
                "submitted_at",
                "terminal_at",
                "stored_at",
                "bucket",
                "object_keys",
                "object_sha256s",
                "last_download_error"
              }) {
            if (s.get(field) != null) {
              row(out, field, "", s.get(field));
            }
          }
        });
    return ExitCode.OK;
  }

  private static void row(PrintWriter out, String name, Object remote, Object stored) {
    out.printf(
        "%-14s %-32s %s%n", name, remote == null ? "-" : remote, stored == null ? "-" : stored);
  }
}
