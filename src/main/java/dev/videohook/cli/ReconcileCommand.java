package dev.videohook.cli;

import dev.videohook.config.SharedConfig;
import dev.videohook.reconcile.ReconcileConfig;
import dev.videohook.reconcile.ReconcileReport;
import dev.videohook.reconcile.Reconciler;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one reconciler pass here, as the scheduled function does: every job still pending"
          + " longer than RECONCILE_MIN_AGE_SECONDS is looked up at its provider; a finished job"
          + " is recorded exactly as its webhook would have been (then downloaded by the stream);"
          + " one the provider has not finished by RECONCILE_DEADLINE_SECONDS is marked expired;"
          + " a job still completed after RECONCILE_STRANDED_DOWNLOAD_SECONDS, past what the"
          + " stream can deliver, is marked download_failed with the reason, for a redrive.",
      "Needs JOBS_TABLE and each provider's API key (<PROVIDER>_API_KEY) or"
          + " TENANT_SECRETS_PREFIX. Exit code 1 when a job could not be looked at."
    })
final class ReconcileCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    cli.env.requireStack(SharedConfig.JOBS_TABLE);
    ReconcileConfig config = ReconcileConfig.fromEnvironment(cli.env.variables());
    cli.env.checkJobTable();
    Reconciler reconciler = Reconciler.fromEnvironment(cli.env.variables());
    ReconcileReport report = reconciler.run(Instant.now().plus(config.interval()));
    out.printf(
        "reconciled jobs pending over %d s in %s: %s%n",
        config.minAge().toSeconds(), config.shared().tableName(), report.summary());
    if (report.recovered() > 0) {
      out.printf(
          "%d job(s) had lost their webhook: check the callback URL and the signing secret%n",
          report.recovered());
    }
    if (!report.complete()) {
      out.println("not every pending job was looked at: run it again");
    }
    return report.errors() > 0 ? ExitCode.FAILED : ExitCode.OK;
  }
}
