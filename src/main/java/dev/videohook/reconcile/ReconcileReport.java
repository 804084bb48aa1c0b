package dev.videohook.reconcile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one reconciler run did, job by job counted once.
 *
 * @param examined pending jobs older than the minimum age that this run looked at
 * @param strandedDownloads jobs left {@code completed} past the stream's reach, now marked {@code
 *     download_failed} with the reason (redrive them)
 * @param recovered the provider said terminal and the run recorded it: a webhook that was lost
 * @param duplicates the provider said terminal, and the same event was recorded meanwhile (its
 *     webhook arrived): nothing changed
 * @param alreadyTerminal the provider said terminal, but the job had another terminal state: the
 *     record was kept for audit, the job left alone
 * @param stillRunning the provider is still working on it: looked at again next run
 * @param expired past the deadline and not finished at the provider: marked {@code expired}
 * @param throttled the provider answered 429 or 5xx, or could not be reached: backed off
 * @param errors anything else that went wrong with one job (it is looked at again next run)
 * @param skipped not asked this run: its provider was backing off, or the budget ran out
 * @param complete true when every pending job old enough was looked at; false when the time budget
 *     or the per-run cap stopped the run early
 */
public record ReconcileReport(
    int examined,
    int recovered,
    int duplicates,
    int alreadyTerminal,
    int stillRunning,
    int expired,
    int throttled,
    int errors,
    int skipped,
    int strandedDownloads,
    boolean complete) {

  /** The counts by name, for a log line, the Lambda's answer and the command line. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("examined", examined);
    map.put("recovered", recovered);
    map.put("duplicates", duplicates);
    map.put("alreadyTerminal", alreadyTerminal);
    map.put("stillRunning", stillRunning);
    map.put("expired", expired);
    map.put("throttled", throttled);
    map.put("errors", errors);
    map.put("skipped", skipped);
    map.put("strandedDownloads", strandedDownloads);
    map.put("complete", complete);
    return map;
  }

  /** One line for people: {@code examined 3, recovered 1, ...}. */
  public String summary() {
    StringBuilder text = new StringBuilder();
    toMap()
        .forEach(
            (name, value) -> {
              if (text.length() > 0) {
                text.append(", ");
              }
              text.append(name).append(' ').append(value);
            });
    return text.toString();
  }
}
