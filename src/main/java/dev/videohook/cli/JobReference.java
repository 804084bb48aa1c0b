package dev.videohook.cli;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobScan;
import dev.videohook.job.JobStore;
import dev.videohook.provider.Provider;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How the commands that act on one job name it: id, provider and tenant. Provider and tenant may be
 * left out when the jobs table holds the id once: the job found is named on standard error.
 */
final class JobReference {
  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The provider's job id.")
  String jobId;

  @Option(
      names = {"-p", "--provider"},
      converter = ProviderConverter.class,
      completionCandidates = ProviderIds.class,
      description =
          "One of: ${COMPLETION-CANDIDATES} (default: the one the job is recorded under).")
  Provider provider;

  @Option(
      names = {"-t", "--tenant"},
      description = "Tenant (default: the one the job is recorded under).")
  String tenant;

  /** A tenant given must be one the stack serves ({@link ServedTenants}). */
  void checkServed(CliEnvironment env) {
    if (tenant != null) {
      ServedTenants.check(env, tenant);
    }
  }

  /** Both given: the key, without a look at the table. */
  Optional<JobKey> given() {
    return provider != null && tenant != null
        ? Optional.of(new JobKey(tenant, provider, jobId))
        : Optional.empty();
  }

  /**
   * The job named, read from {@code store}: the one job with this id under the tenant and provider
   * given, if any (the one used is said on {@code err}); empty when none is recorded.
   *
   * @throws CliException (exit 2) when several are, listing them
   */
  Optional<Job> find(JobStore store, PrintWriter err) {
    if (given().isPresent()) {
      return store.find(given().get());
    }
    List<Job> candidates =
        tenant != null
            ? Arrays.stream(Provider.values())
                .filter(p -> provider == null || p == provider)
                .flatMap(p -> store.find(new JobKey(tenant, p, jobId)).stream())
                .toList()
            : JobScan.jobsWithId(store, jobId).stream()
                .filter(job -> provider == null || job.provider() == provider)
                .toList();
    if (candidates.size() > 1) {
      throw new CliException(
          ExitCode.USAGE,
          "job "
              + jobId
              + " is recorded more than once: "
              + candidates.stream().map(j -> describe(j.key())).collect(Collectors.joining("; "))
              + ". Say which with -t and -p.");
    }
    candidates.forEach(job -> err.println("job " + jobId + ": " + describe(job.key())));
    return candidates.stream().findFirst();
  }

  /** The job named, or a clear failure when the table does not hold it. */
  Job require(JobStore store, PrintWriter err) {
    return find(store, err)
        .orElseThrow(
            () ->
                new CliException(
                    ExitCode.FAILED,
                    "no job "
                        + jobId
                        + (provider == null ? "" : " for " + provider.id())
                        + (tenant == null ? " under any tenant" : " and tenant " + tenant)
                        + " in "
                        + store.tableName()));
  }

  static String describe(JobKey key) {
    return "tenant " + key.tenant() + ", provider " + key.provider().id();
  }
}
