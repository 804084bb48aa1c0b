package dev.videohook.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A soak-sized run: the same invariants as the suite, at a size that takes minutes on a 2-core
 * machine. {@code mvn verify} leaves these out and {@code mvn -Psoak test} runs them alone; CI
 * (.ci/run) runs both, so they still guard every change.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Soak.TAG)
// jqwik's engine reads its own tag, not JUnit Jupiter's: a @Property is tagged by this one
@net.jqwik.api.Tag(Soak.TAG)
public @interface Soak {
  /** The JUnit tag, which pom.xml's surefire configuration and its soak profile name. */
  String TAG = "soak";
}
