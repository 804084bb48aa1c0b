package dev.videohook.cli;

import dev.videohook.job.Job;
import dev.videohook.provider.Tenants;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "costs",
    mixinStandardHelpOptions = true,
    description =
        "Sums usage.cost of a tenant's jobs by model and final status (failed jobs that were"
            + " billed included), from JOBS_TABLE's by-tenant index.")
final class CostsCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = {"-t", "--tenant"},
      defaultValue = Tenants.DEFAULT,
      description = "Tenant (default: ${DEFAULT-VALUE}, as for jobs).")
  String tenant;

  @Option(
      names = "--since",
      description = "Only jobs updated on or after this UTC date (YYYY-MM-DD) or instant.")
  String since;

  @Option(names = "--json", description = "One JSON document on standard output.")
  boolean json;

  /** One line of the report. */
  record Line(String model, String status, int jobs, BigDecimal cost) {}

  @Override
  public Integer call() {
    ServedTenants.check(cli.env, tenant);
    Instant from = since == null ? Instant.EPOCH : parse(since);
    Summary summary = new Summary();
    cli.env.jobStore().forEachJobCost(tenant, from, summary::add);
    List<Line> lines = summary.lines();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("tenant", tenant);
      document.put("since", since == null ? null : from.toString());
      document.put(
          "lines",
          lines.stream()
              .map(
                  line -> {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("model", line.model());
                    fields.put("status", line.status());
                    fields.put("jobs", line.jobs());
                    fields.put("cost", line.cost());
                    return fields;
                  })
              .toList());
      document.put("jobs", lines.stream().mapToInt(Line::jobs).sum());
      document.put("cost", lines.stream().map(Line::cost).reduce(BigDecimal.ZERO, BigDecimal::add));
      JobJson.print(out, document);
      return ExitCode.OK;
    }
    if (lines.isEmpty()) {
      out.println("no jobs for tenant " + tenant + (since == null ? "" : " since " + since));
      return ExitCode.OK;
    }
    out.printf("%-36s %-16s %6s %12s%n", "MODEL", "STATUS", "JOBS", "COST");
    BigDecimal total = BigDecimal.ZERO;
    int jobs = 0;
    for (Line line : lines) {
      out.printf(
          "%-36s %-16s %6d %12s%n",
          line.model(), line.status(), line.jobs(), line.cost().toPlainString());
      total = total.add(line.cost());
      jobs += line.jobs();
    }
    out.printf("%-36s %-16s %6d %12s%n", "TOTAL", "", jobs, total.toPlainString());
    return ExitCode.OK;
  }

  /** Jobs grouped by model and status, cost summed (a job with no reported cost adds 0). */
  static List<Line> summarize(List<Job> jobs) {
    Summary summary = new Summary();
    jobs.forEach(summary::add);
    return summary.lines();
  }

  /** The running sums, one job at a time: memory grows with models and states, not jobs. */
  static final class Summary {
    private final Map<String, Map<String, Line>> byModel = new TreeMap<>();

    void add(Job job) {
      String model = job.model() == null ? "-" : job.model();
      String status = job.status().value();
      BigDecimal cost = job.usage().cost() == null ? BigDecimal.ZERO : job.usage().cost();
      byModel
          .computeIfAbsent(model, m -> new TreeMap<>())
          .merge(
              status,
              new Line(model, status, 1, cost),
              (a, b) -> new Line(model, status, a.jobs() + 1, a.cost().add(b.cost())));
    }

    List<Line> lines() {
      return byModel.values().stream().flatMap(m -> m.values().stream()).toList();
    }
  }

  private static Instant parse(String text) {
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new CliException(
          ExitCode.USAGE, "--since must be a date (2025-01-31) or an instant, got " + text);
    }
  }
}
