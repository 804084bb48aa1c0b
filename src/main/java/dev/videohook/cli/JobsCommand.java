package dev.videohook.cli;

import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Tenants;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "Lists a tenant's most recent jobs from JOBS_TABLE.")
final class JobsCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = {"-t", "--tenant"},
      defaultValue = Tenants.DEFAULT,
      description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = {"-n", "--limit"},
      defaultValue = "20",
      description = "How many (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "A JSON array of the job records on standard output.")
  boolean json;

  @Override
  public Integer call() {
    ServedTenants.check(cli.env, tenant);
    if (limit < 1 || limit > 1000) {
      throw new CliException(ExitCode.USAGE, "--limit must be between 1 and 1000, got " + limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<Job> jobs = cli.env.jobStore().recentJobs(tenant, limit);
    if (json) {
      JobJson.print(out, jobs.stream().map(JobJson::of).toList());
      return ExitCode.OK;
    }
    if (jobs.isEmpty()) {
      out.println("no jobs for tenant " + tenant);
      return ExitCode.OK;
    }
    out.printf(
        "%-30s %-11s %-24s %-16s %-28s %s%n",
        "UPDATED", "PROVIDER", "JOB", "STATUS", "MODEL", "NOTE");
    for (Job job : jobs) {
      out.printf(
          "%-30s %-11s %-24s %-16s %-28s %s%n",
          orDash(job.times().updatedAt()),
          job.provider().id(),
          job.jobId(),
          job.status().value(),
          orDash(job.model()),
          orDash(note(job)));
    }
    return ExitCode.OK;
  }

  /**
   * What a pending job is waiting on, as the reconciler last found it: a status the provider sent
   * that videohook does not know shows here as sent, not as a silent "pending".
   */
  private static String note(Job job) {
    return job.status() == JobStatus.PENDING ? job.reconcile().lastOutcome() : job.error();
  }

  private static Object orDash(Object value) {
    return value == null ? "-" : value;
  }
}
