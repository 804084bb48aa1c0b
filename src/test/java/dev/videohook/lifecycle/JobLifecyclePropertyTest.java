package dev.videohook.lifecycle;

import dev.videohook.event.EventType;
import dev.videohook.testing.ScriptedProvider.SourceFault;
import dev.videohook.testing.ScriptedProvider.StatusAnswer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Invariants 5 and 8 (and 1, 2, 7 on the way), model-checked: random sequences of every actor's
 * actions against the real receiver, job store, reconciler, stream filter, download handler and
 * redrive, on the emulators, with a scripted provider and a controlled clock. The invariants are
 * checked after every action ({@link LifecycleWorld#check}); after a quiet period every job must
 * have settled ({@link LifecycleWorld#checkSettled}).
 *
 * <p>{@code -Dlifecycle.tries=N} runs N sequences (default {@value #DEFAULT_TRIES}, about a minute
 * here), {@code -Dlifecycle.seed=S} another seed (default {@value #DEFAULT_SEED}, logged). A
 * failure is shrunk to a shortest sequence; each one found is kept as a named test in {@link
 * JobLifecycleRegressionTest}.
 */
class JobLifecyclePropertyTest {
  static final int DEFAULT_TRIES = 10;
  static final String DEFAULT_SEED = "20261130";
  static final int MAX_ACTIONS = 30;
  static final int MAX_JOBS = 4;

  /** Sources may send a negative Content-Length (the downloader names it as the reason). */
  static final boolean NEGATIVE_LENGTH =
      Boolean.parseBoolean(System.getProperty("lifecycle.negativeLength", "true"));

  private static final AtomicInteger SEQUENCES = new AtomicInteger();
  private static final AtomicInteger STEPS = new AtomicInteger();

  /** Time spent per kind of step, in nanoseconds: where a run's minute goes, in its report. */
  static final Map<String, Long> TIMES = new ConcurrentHashMap<>();

  private LifecycleWorld world;

  @Property(shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
  @AddLifecycleHook(TriesAndSeed.class)
  void everyJobEndsKnown(@ForAll("lifecycles") ActionChain<LifecycleWorld> chain) {
    SEQUENCES.incrementAndGet();
    chain
        .withInvariant(
            "invariants",
            w -> {
              long t0 = System.nanoTime();
              w.check();
              TIMES.merge("CHECK", System.nanoTime() - t0, Long::sum);
            })
        .run();
    LifecycleWorld last = chain.finalState().orElseThrow();
    STEPS.addAndGet(last.steps.size());
    long q0 = System.nanoTime();
    last.quietPeriod(false); // status faults outlive it: the reconciler must settle the job still
    TIMES.merge("QUIET", System.nanoTime() - q0, Long::sum);
    last.checkSettled();
  }

  @AfterTry
  void closeWorld() {
    if (world != null) {
      world.close();
      world = null;
    }
  }

  @Provide
  Arbitrary<ActionChain<LifecycleWorld>> lifecycles() {
    return ActionChain.<LifecycleWorld>startWith(this::newWorld)
        .withAction(4, submit())
        .withAction(3, finish())
        .withAction(5, deliver())
        .withAction(2, redeliver())
        .withAction(3, reconcile())
        .withAction(3, statusAnswer())
        .withAction(3, sourceFault())
        .withAction(5, processStream())
        .withAction(1, loseStreamRecord())
        .withAction(1, replayStreamRecord())
        .withAction(1, redrive())
        .withAction(1, rotateApiKey())
        .withAction(1, coldStartReconciler())
        .withAction(1, storeOutage())
        .withAction(3, clockJump())
        .withMaxTransformations(MAX_ACTIONS);
  }

  private LifecycleWorld newWorld() {
    closeWorld();
    world = new LifecycleWorld();
    return world;
  }

  private static Action<LifecycleWorld> submit() {
    return new Action.Independent<>() {
      @Override
      public boolean precondition(LifecycleWorld w) {
        return w.jobs.size() < MAX_JOBS && !w.outage.isDown();
      }

      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 2),
                Arbitraries.of("video/mp4", "video/webm"),
                Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(6, Arbitraries.just("urls")),
                    net.jqwik.api.Tuple.of(3, Arbitraries.just("content")),
                    net.jqwik.api.Tuple.of(1, Arbitraries.just("refused"))))
            .as(
                (outputs, type, source) ->
                    step(
                        "submit(" + outputs + " " + type + " from " + source + ")",
                        w -> w.submit(outputs, type, source)));
      }
    };
  }

  private static Action<LifecycleWorld> finish() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(LifecycleWorld w) {
        return !running(w).isEmpty();
      }

      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer(LifecycleWorld w) {
        return Combinators.combine(
                Arbitraries.of(running(w)),
                Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(6, EventType.COMPLETED),
                    net.jqwik.api.Tuple.of(2, EventType.FAILED),
                    net.jqwik.api.Tuple.of(1, EventType.CANCELLED),
                    net.jqwik.api.Tuple.of(1, EventType.EXPIRED)))
            .as(
                (id, type) ->
                    step("provider finishes " + id + " " + type.status(), x -> x.finish(id, type)));
      }
    };
  }

  private static List<String> running(LifecycleWorld w) {
    return w.jobs.keySet().stream()
        .filter(id -> w.provider.job(id).status().equals("in_progress"))
        .toList();
  }

  /**
   * A signed terminal event: the provider's truth for a finished job, or any terminal type
   * (conflicting, or early: a misbehaving provider).
   */
  private static Action<LifecycleWorld> deliver() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(LifecycleWorld w) {
        return !deliverable(w).isEmpty();
      }

      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer(LifecycleWorld w) {
        return Combinators.combine(
                Arbitraries.of(deliverable(w)),
                Arbitraries.integers().between(0, 4),
                Arbitraries.of(EventType.class))
            .as(
                (id, pick, other) -> {
                  String truth = w.provider.job(id).status();
                  boolean useTruth = pick > 0 && !truth.equals("in_progress");
                  EventType type = useTruth ? EventType.fromStatus(truth).orElseThrow() : other;
                  return step("deliver " + id + " " + type.status(), x -> x.deliver(id, type));
                });
      }
    };
  }

  private static List<String> deliverable(LifecycleWorld w) {
    return w.jobs.values().stream().map(k -> k.id).toList();
  }

  /** A delivery sent before: again, freshly signed, or replayed byte for byte. */
  private static Action<LifecycleWorld> redeliver() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(LifecycleWorld w) {
        return !w.sent.isEmpty();
      }

      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer(LifecycleWorld w) {
        return Combinators.combine(
                Arbitraries.integers().between(0, w.sent.size() - 1), Arbitraries.of(true, false))
            .as(
                (i, fresh) ->
                    fresh
                        ? step("resend delivery #" + i, x -> x.resend(i))
                        : step("replay delivery #" + i + " as signed", x -> x.replay(i)));
      }
    };
  }

  private static Action<LifecycleWorld> reconcile() {
    return Action.just(step("reconciler run", LifecycleWorld::reconcile));
  }

  private static Action<LifecycleWorld> coldStartReconciler() {
    return Action.just(step("reconciler cold start", LifecycleWorld::coldStartReconciler));
  }

  private static Action<LifecycleWorld> statusAnswer() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(LifecycleWorld w) {
        return !w.jobs.isEmpty();
      }

      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer(LifecycleWorld w) {
        return Combinators.combine(
                Arbitraries.of(List.copyOf(w.jobs.keySet())), Arbitraries.of(StatusAnswer.class))
            .as(
                (id, answer) ->
                    step(
                        "status of " + id + " answers " + answer, x -> x.answerStatus(id, answer)));
      }
    };
  }

  private static Action<LifecycleWorld> sourceFault() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(LifecycleWorld w) {
        return !w.jobs.isEmpty();
      }

      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer(LifecycleWorld w) {
        Set<SourceFault> excluded =
            NEGATIVE_LENGTH ? Set.of() : Set.of(SourceFault.NEGATIVE_LENGTH);
        return Combinators.combine(
                Arbitraries.of(List.copyOf(w.jobs.keySet())),
                Arbitraries.of(SourceFault.class).filter(f -> !excluded.contains(f)),
                Arbitraries.of(1, 2, 3, 6, Integer.MAX_VALUE))
            .as(
                (id, fault, times) ->
                    step(
                        "source of "
                            + id
                            + " "
                            + fault
                            + " x"
                            + (times == Integer.MAX_VALUE ? "always" : times),
                        x -> x.sourceFault(id, fault, times)));
      }
    };
  }

  private static Action<LifecycleWorld> processStream() {
    return Action.just(step("stream: process next record", w -> w.processStream()));
  }

  private static Action<LifecycleWorld> loseStreamRecord() {
    return Action.just(step("stream: lose next record", LifecycleWorld::loseStreamRecord));
  }

  private static Action<LifecycleWorld> replayStreamRecord() {
    return new Action.Independent<>() {
      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer() {
        return Arbitraries.integers()
            .between(0, 20)
            .map(i -> step("stream: replay old record #" + i, w -> w.replayStreamRecord(i)));
      }
    };
  }

  private static Action<LifecycleWorld> redrive() {
    return Action.just(step("operator: redrive", LifecycleWorld::redrive));
  }

  private static Action<LifecycleWorld> rotateApiKey() {
    return Action.just(
        step(
            "operator: rotate the API key",
            w -> {
              w.rotateApiKey();
            }));
  }

  private static Action<LifecycleWorld> storeOutage() {
    return Action.just(
        step(
            "store outage on/off",
            w -> {
              if (w.outage.isDown()) {
                w.outage.up();
              } else {
                w.outage.down();
              }
            }));
  }

  private static Action<LifecycleWorld> clockJump() {
    return new Action.Independent<>() {
      @Override
      public Arbitrary<Transformer<LifecycleWorld>> transformer() {
        return Arbitraries.of(
                Duration.ofSeconds(30),
                Duration.ofMinutes(4),
                Duration.ofMinutes(6),
                Duration.ofMinutes(15),
                Duration.ofHours(2),
                Duration.ofHours(13),
                Duration.ofHours(25))
            .map(d -> step("clock +" + d, w -> w.clockJump(d)));
      }
    };
  }

  private static Transformer<LifecycleWorld> step(
      String description, java.util.function.Consumer<LifecycleWorld> action) {
    return Transformer.mutate(
        description,
        w -> {
          w.steps.add(description);
          long t0 = System.nanoTime();
          action.accept(w);
          TIMES.merge(description.replaceAll("[ (].*", ""), System.nanoTime() - t0, Long::sum);
        });
  }

  /** Tries and seed from system properties, the seed logged so a run can be repeated. */
  public static final class TriesAndSeed implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(
        PropertyLifecycleContext context, PropertyExecutor property) {
      int tries = Integer.getInteger("lifecycle.tries", DEFAULT_TRIES);
      String seed = System.getProperty("lifecycle.seed", DEFAULT_SEED);
      context.attributes().setTries(tries);
      context.attributes().setSeed(seed);
      // FULL to hunt for the shortest counterexample, however long that takes
      context
          .attributes()
          .setShrinking(
              ShrinkingMode.valueOf(System.getProperty("lifecycle.shrinking", "BOUNDED")));
      context.reporter().publishValue("lifecycle", tries + " tries, seed " + seed);
      long started = System.nanoTime();
      PropertyExecutionResult result = property.execute();
      context
          .reporter()
          .publishValue(
              "lifecycle",
              SEQUENCES.get()
                  + " sequences run, "
                  + STEPS.get()
                  + " actions in passing ones, "
                  + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                  + " s; ms per kind of step: "
                  + TIMES.entrySet().stream()
                      .map(e -> e.getKey() + "=" + e.getValue() / 1_000_000)
                      .toList());
      return result;
    }
  }
}
