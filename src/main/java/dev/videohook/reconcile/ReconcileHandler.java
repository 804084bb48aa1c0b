package dev.videohook.reconcile;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.videohook.job.JobTableActions;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Lambda entry point for the reconciler's EventBridge schedule: one {@link Reconciler} run, bounded
 * by the invocation's remaining time (less a margin) and by the schedule's interval, answered with
 * the run's counts.
 */
public class ReconcileHandler implements RequestHandler<ScheduledEvent, Map<String, Object>> {
  /** Every environment variable this function reads; template.yaml must set exactly these. */
  public static final Set<String> ENVIRONMENT = ReconcileConfig.ENVIRONMENT;

  /** Every AWS action the function calls; template.yaml grants exactly these. */
  public static final Set<String> AWS_ACTIONS = awsActions();

  /** Kept free at the end of an invocation for the last provider call and the report. */
  static final Duration MARGIN = Duration.ofSeconds(35);

  private final Reconciler reconciler;
  private final Duration interval;
  private final Clock clock;

  /** Builds everything from the environment, once per execution environment. */
  public ReconcileHandler() {
    this(ReconcileConfig.fromEnvironment(System.getenv()), System.getenv());
  }

  /** The configuration read once, for the reconciler and the interval alike. */
  private ReconcileHandler(ReconcileConfig config, Map<String, String> env) {
    this(Reconciler.fromConfig(config, env), config.interval(), Clock.systemUTC());
  }

  ReconcileHandler(Reconciler reconciler, Duration interval, Clock clock) {
    this.reconciler = reconciler;
    this.interval = interval;
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
    Instant now = clock.instant();
    Instant stopBy = now.plus(interval);
    if (context != null) {
      Instant lambdaEnds = now.plusMillis(context.getRemainingTimeInMillis()).minus(MARGIN);
      if (lambdaEnds.isBefore(stopBy)) {
        stopBy = lambdaEnds;
      }
    }
    return reconciler.run(stopBy).toMap();
  }

  private static Set<String> awsActions() {
    Set<String> actions = new HashSet<>(JobTableActions.RECONCILE);
    actions.addAll(SecretsManagerTenantSecrets.AWS_ACTIONS);
    return Set.copyOf(actions);
  }
}
