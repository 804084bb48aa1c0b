package dev.videohook.cli;

import dev.videohook.config.SharedConfig;
import dev.videohook.job.Job;
import dev.videohook.job.StoredObject;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderJob;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    description = {
      "Shows a job as the provider reports it and as videohook stored it, side by side.",
      "Our side (download attempts, the last download error) is shown even when the provider does"
          + " not know the job. Without -t and -p the job is looked up by id in JOBS_TABLE (a"
          + " Scan when -t is left out); exit code 2 when the id is recorded more than once."
    })
final class StatusCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin JobReference job;

  @Option(names = "--api-base", description = "Provider API base URL.")
  URI apiBase;

  @Option(names = "--json", description = "One JSON document on standard output.")
  boolean json;

  @Override
  public Integer call() {
    job.checkServed(cli.env);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean hasTable = cli.env.hasJobTable();
    if (!hasTable && job.provider == null) {
      // nothing to ask without the table but the provider, which -p would name: the settings
      // are what is missing
      cli.env.requireStack(SharedConfig.JOBS_TABLE);
    }
    Optional<Job> stored = hasTable ? job.find(cli.env.jobStore(), err) : Optional.empty();
    Provider provider = stored.map(Job::provider).orElse(job.provider);
    if (provider == null) {
      throw new CliException(
          ExitCode.FAILED,
          "no job "
              + job.jobId
              + " recorded in "
              + cli.env.jobStore().tableName()
              + (job.tenant == null ? "" : " for tenant " + job.tenant)
              + ": give -p to ask the provider");
    }
    String tenant = stored.map(Job::tenant).orElse(job.tenant == null ? "-" : job.tenant);
    ProviderJob remote = null;
    String remoteError = null;
    try {
      remote = cli.env.providerClient(provider, apiBase).status(job.jobId);
    } catch (ProviderApiException e) {
      remoteError = e.getMessage();
    }
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("job_id", job.jobId);
      document.put("provider", provider.id());
      document.put("tenant", stored.isPresent() ? tenant : job.tenant);
      document.put("provider_status", remote == null ? null : remote.status());
      document.put("provider_error", remote == null ? remoteError : remote.error());
      document.put("provider_unsigned_urls", remote == null ? null : remote.unsignedUrls());
      document.put("videohook", stored.map(JobJson::of).orElse(null));
      JobJson.print(out, document);
    } else {
      print(out, provider, tenant, remote, remoteError, stored, hasTable);
    }
    if (remote == null && stored.isEmpty()) {
      err.println("error: " + remoteError);
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  }

  private static void print(
      PrintWriter out,
      Provider provider,
      String tenant,
      ProviderJob remote,
      String remoteError,
      Optional<Job> stored,
      boolean hasTable) {
    String storedNote = hasTable ? "(not recorded)" : "(JOBS_TABLE not set)";
    out.printf(
        "%-19s %-" + PROVIDER_WIDTH + "s %s%n",
        "",
        provider.id(),
        "videohook (tenant " + tenant + ")");
    if (remote == null) {
      row(out, "provider", remoteError, "");
    }
    row(
        out,
        "status",
        remote == null ? null : remote.status(),
        stored.map(s -> s.status().value()).orElse(storedNote));
    row(
        out,
        "unsigned_urls",
        remote == null ? null : String.valueOf(remote.unsignedUrls().size()),
        stored.map(s -> String.valueOf(s.unsignedUrls().size())).orElse(""));
    row(out, "error", remote == null ? null : remote.error(), stored.map(Job::error).orElse(null));
    // when the provider's copy of the outputs goes: the deadline for storing them
    Object remoteExpiry =
        remote == null || remote.raw() == null ? null : remote.raw().get("expires_at");
    Instant storedExpiry = stored.map(Job::outputsExpireAt).orElse(null);
    if (remoteExpiry != null || storedExpiry != null) {
      row(
          out,
          "outputs_expire_at",
          remoteExpiry instanceof Number seconds
              ? Instant.ofEpochSecond(seconds.longValue())
              : remoteExpiry,
          storedExpiry);
    }
    stored.ifPresent(
        s -> {
          List<StoredObject> objects = s.stored().objects();
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("model", s.model());
          fields.put("cost", s.usage().cost());
          fields.put("submitted_at", s.times().submittedAt());
          fields.put("terminal_at", s.times().terminalAt());
          fields.put("stored_at", s.times().storedAt());
          fields.put("bucket", s.stored().bucket());
          fields.put(
              "object_keys",
              objects.isEmpty() ? null : objects.stream().map(StoredObject::key).toList());
          fields.put(
              "object_sha256s",
              objects.isEmpty() ? null : objects.stream().map(StoredObject::sha256).toList());
          fields.put(
              "object_sources",
              objects.isEmpty() || objects.stream().anyMatch(o -> o.source() == null)
                  ? null
                  : objects.stream().map(o -> o.source().value()).toList());
          fields.put("download_attempts", s.download().failedAttempts());
          fields.put("last_download_error", s.download().lastError());
          fields.put("reconcile_last_outcome", s.reconcile().lastOutcome());
          fields.put("reconcile_next_check", s.reconcile().nextCheck());
          fields.forEach(
              (name, value) -> {
                if (value != null) {
                  row(out, name, "", value);
                }
              });
        });
  }

  private static void row(PrintWriter out, String name, Object remote, Object stored) {
    rows(name, remote, stored).forEach(out::println);
  }

  /** Width of the provider's column: a longer value wraps within it, never pushing ours right. */
  static final int PROVIDER_WIDTH = 32;

  /**
   * One row of the side-by-side table: a provider's value longer than its column (a long error)
   * continues on the lines below, in that column, so our side stays aligned under its heading.
   */
  static List<String> rows(String name, Object remote, Object stored) {
    List<String> cells = wrap(remote == null ? "-" : String.valueOf(remote), PROVIDER_WIDTH);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      String line =
          String.format(
              "%-19s %-" + PROVIDER_WIDTH + "s %s",
              i == 0 ? name : "",
              cells.get(i),
              i == 0 ? (stored == null ? "-" : stored) : "");
      lines.add(line.stripTrailing());
    }
    return lines;
  }

  /** {@code text} in lines of at most {@code width}, broken at spaces where it can be. */
  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    String rest = text.strip();
    while (rest.length() > width) {
      int cut = rest.lastIndexOf(' ', width);
      if (cut <= 0) {
        cut = width;
      }
      lines.add(rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).stripLeading();
    }
    lines.add(rest);
    return lines;
  }
}
