package dev.videohook.startup;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming: before Lambda takes the snapshot, a harmless call loads and initialises the
 * request path it exercises (for an AWS client: marshalling, signing, HTTP, response parsing), so
 * the first request after a restore does not pay for it. Outside a CRaC JVM registering does
 * nothing.
 */
public final class Priming implements Resource {
  private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

  /** CRaC holds resources weakly: keep them reachable for the life of the JVM. */
  private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

  private final Runnable call;

  Priming(Runnable call) {
    this.call = call;
  }

  /** Runs {@code call} before a SnapStart snapshot; it must change nothing. */
  public static void register(Runnable call) {
    Priming priming = new Priming(call);
    REGISTERED.add(priming);
    Core.getGlobalContext().register(priming);
  }

  /** How many resources are kept reachable. */
  static int registered() {
    return REGISTERED.size();
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // nothing to refresh: clients hold no connections worth keeping across a restore
  }

  /** The priming call; a failure is logged and never stops the snapshot. */
  void prime() {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("SnapStart priming call failed");
    }
  }
}
