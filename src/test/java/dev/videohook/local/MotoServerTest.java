package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.JobTable;
import dev.videohook.testing.Await;
import dev.videohook.testing.SharedMoto;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The moto launcher: the emulator made faithful where videohook depends on it, and its failures.
 */
class MotoServerTest {

  @Test
  void racingItemCreatingConditionalUpdates_haveOneWinnerPerKey_andLosersSeeTheWholeItem()
      throws Exception {
    // moto as shipped applies such an update in two unlocked steps (keys, then SETs): several
    // writers won the same new key, and losers were shown a keys-only item. The launcher's lock
    // is what this test proves; started without it, it fails
    DynamoDbClient dynamoDb = SharedMoto.get().client();
    String table = SharedMoto.newJobTable();
    int keys = 40;
    int writers = 32;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<AtomicInteger> winners = new ArrayList<>();
    AtomicInteger keysOnlyOldItems = new AtomicInteger();
    try {
      for (int k = 0; k < keys; k++) {
        AtomicInteger won = new AtomicInteger();
        winners.add(won);
        Map<String, AttributeValue> key = Map.of(JobTable.PK, AttributeValue.fromS("race#" + k));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String writer = Integer.toString(w);
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      dynamoDb.updateItem(
                          b ->
                              b.tableName(table)
                                  .key(key)
                                  .updateExpression("SET #w = :w")
                                  .conditionExpression("attribute_not_exists(#pk)")
                                  .expressionAttributeNames(
                                      Map.of("#w", "winner", "#pk", JobTable.PK))
                                  .expressionAttributeValues(
                                      Map.of(":w", AttributeValue.fromS(writer)))
                                  .returnValuesOnConditionCheckFailure(
                                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
                      won.incrementAndGet();
                    } catch (ConditionalCheckFailedException lost) {
                      if (!lost.item().containsKey("winner")) {
                        keysOnlyOldItems.incrementAndGet();
                      }
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get();
        }
      }
    } finally {
      pool.shutdownNow();
    }

    long keysWithOneWinner = winners.stream().filter(w -> w.get() == 1).count();
    assertEquals(keys, keysWithOneWinner, "winners per key: " + winners);
    assertEquals(0, keysOnlyOldItems.get(), "losers shown a keys-only item");
  }

  @Test
  void pythonWithoutMoto_andNoPackageIndex_stopsWithOneMessageNamingTheCommandToRun(
      @TempDir Path dir) throws IOException {
    Path python = pythonWithoutSitePackages(dir);
    Path venv = dir.resolve("moto-venv");
    Path noWheels = Files.createDirectory(dir.resolve("no-wheels"));
    // no package index: pip may look only in an empty folder
    Map<String, String> environment =
        Map.of(
            MotoServer.PYTHON_ENV,
            python.toString(),
            MotoVenv.DIR_ENV,
            venv.toString(),
            "PIP_NO_INDEX",
            "1",
            "PIP_FIND_LINKS",
            noWheels.toString());

    MotoServer.MotoException e =
        assertThrows(
            MotoServer.MotoException.class, () -> MotoServer.start(environment, "127.0.0.1", 0));

    assertTrue(e.getMessage().contains("has no moto"), e.getMessage());
    assertTrue(
        e.getMessage().contains("installing moto[server]==5.2.1 into " + venv + " failed"),
        e.getMessage());
    assertTrue(Files.isExecutable(venv.resolve("bin/python")), "the virtual environment was made");
    assertTrue(
        e.getMessage().contains(python + " -m pip install 'moto[server]==5.2.1'"), e.getMessage());
    assertTrue(e.getMessage().contains(MotoServer.PYTHON_ENV), e.getMessage());
  }

  @Test
  void pythonWithoutMoto_startsMotoFromTheVirtualEnvironment_whereThatHasMoto(@TempDir Path dir)
      throws Exception {
    Path venv = dir.resolve("moto-venv");
    // a virtual environment that sees the machine's moto, as one pip filled would have it
    Process made =
        new ProcessBuilder(
                "python3", "-m", "venv", "--system-site-packages", "--without-pip", venv.toString())
            .inheritIO()
            .start();
    assertEquals(0, made.waitFor());
    Map<String, String> environment =
        Map.of(
            MotoServer.PYTHON_ENV,
            pythonWithoutSitePackages(dir).toString(),
            MotoVenv.DIR_ENV,
            venv.toString());

    try (MotoServer moto = MotoServer.start(environment, "127.0.0.1", 0)) {
      assertTrue(moto.client().listTables().tableNames().isEmpty());
    }
  }

  /** python3 -S leaves site-packages out, where moto lives. */
  private static Path pythonWithoutSitePackages(Path dir) throws IOException {
    Path python = dir.resolve("python-without-site");
    Files.writeString(python, "#!/bin/sh\nexec python3 -S \"$@\"\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
    return python;
  }

  @Test
  void noSuchInterpreter_saysWhatIsNeeded() {
    MotoServer.MotoException e =
        assertThrows(
            MotoServer.MotoException.class,
            () ->
                MotoServer.start(
                    Map.of(MotoServer.PYTHON_ENV, "/nonexistent/python3"), "127.0.0.1", 0));

    assertTrue(e.getMessage().startsWith("cannot run /nonexistent/python3"), e.getMessage());
    assertTrue(e.getMessage().contains("moto"), e.getMessage());
  }

  @Test
  void portTaken_saysSo_insteadOfServingSomethingElse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MotoServer.MotoException e =
          assertThrows(
              MotoServer.MotoException.class,
              () -> MotoServer.start(Map.of(), "127.0.0.1", taken.getLocalPort()));

      assertTrue(
          e.getMessage().startsWith("port " + taken.getLocalPort() + " on 127.0.0.1 is taken"),
          e.getMessage());
    }
  }

  @Test
  void motoDyingMidRun_isReported_andCallsFailInsteadOfHanging() throws Exception {
    try (MotoServer moto = MotoServer.start()) {
      moto.createJobTable("t");
      CountDownLatch reported = new CountDownLatch(1);
      moto.onUnexpectedExit(code -> reported.countDown());

      ProcessHandle.of(moto.pid()).orElseThrow().destroyForcibly();

      Await.until(() -> reported.getCount() == 0, Duration.ofSeconds(20), "exit reported");
      assertFalse(moto.isAlive());
      assertThrows(
          SdkClientException.class, () -> moto.client().describeTable(b -> b.tableName("t")));
    }
  }

  @Test
  void closingStopsTheProcess() {
    MotoServer moto = MotoServer.start();
    long pid = moto.pid();

    moto.close();

    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }
}
