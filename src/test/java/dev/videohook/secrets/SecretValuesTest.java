package dev.videohook.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.config.ConfigurationException;
import dev.videohook.provider.Provider;
import dev.videohook.testing.LogCapture;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys and signing secrets are trimmed and validated where they are loaded, and never shown. */
class SecretValuesTest {
  @ParameterizedTest
  @CsvSource({
    "'sk-or-v1-abc\n', sk-or-v1-abc",
    "'  sk-or-v1-abc  ', sk-or-v1-abc",
    "'\tsk-or-v1-abc\r\n', sk-or-v1-abc",
    "'whsec_!#$%&()*+,-./:;<=>?@[]^_`{|}~', 'whsec_!#$%&()*+,-./:;<=>?@[]^_`{|}~'"
  })
  void environmentSecrets_shouldTrimSurroundingWhitespace(String raw, String expected) {
    EnvironmentTenantSecrets secrets =
        new EnvironmentTenantSecrets(
            Map.of("OPENROUTER_API_KEY", raw, "OPENROUTER_WEBHOOK_SECRET", raw));

    assertEquals(Optional.of(expected), secrets.apiKey("acme", Provider.OPENROUTER));
    assertEquals(List.of(expected), secrets.webhookSecrets("acme", Provider.OPENROUTER));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sk-or LEAKME",
        "sk-or-LEAKME\nX-Evil: 1",
        "sk-or-\tLEAKME",
        "sk-or-LEAKME\u00e9",
        "sk-or-\u0000LEAKME",
        "sk-or-LEAKME\u00a0x"
      })
  void environmentSecrets_shouldRefuseAnInvalidKey_namingTheSettingNeverTheValue(String raw) {
    for (String name :
        List.of(
            "OPENROUTER_API_KEY",
            "MODELGATES_WEBHOOK_SECRET",
            "OPENROUTER_WEBHOOK_SECRET_PREVIOUS")) {
      ConfigurationException e =
          assertThrows(
              ConfigurationException.class,
              () -> new EnvironmentTenantSecrets(Map.of(name, raw)),
              name);
      assertEquals(1, e.problems().size());
      assertTrue(e.getMessage().contains(name), e.getMessage());
      assertFalse(e.getMessage().contains("LEAKME"), e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "'{\"webhook_secret\":\"s3cr3t\\n\",\"api_key\":\"sk-LEAKME\\n\"}', 1, true, ''",
    "'{\"webhook_secret\":\"s3cr3t\",\"api_key\":\"sk LEAKME\"}', 1, false, api_key",
    "'{\"webhook_secret\":\"s3 LEAKME\",\"api_key\":\"sk-ok\"}', 0, true, webhook_secret",
    "'{\"webhook_secret\":\"ok\",\"webhook_secret_previous\":\"old\\nLEAKME\"}', 1, false,"
        + " webhook_secret_previous"
  })
  void secretsManagerEntry_shouldTrim_andTreatAnInvalidFieldAsUnset(
      String json, int webhookSecrets, boolean apiKey, String invalid) {
    SecretsManagerTenantSecrets.Entry entry = SecretsManagerTenantSecrets.parse(json);

    assertEquals(webhookSecrets, entry.webhookSecrets().size());
    assertEquals(apiKey, entry.apiKey().isPresent());
    assertEquals(invalid.isEmpty() ? List.of() : List.of(invalid), entry.invalid());
    entry.webhookSecrets().forEach(s -> assertTrue(SecretValues.isValid(s), s));
    entry.apiKey().ifPresent(k -> assertTrue(SecretValues.isValid(k), k));
    assertFalse(entry.toString().contains("LEAKME"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk LEAKME", "sk-LEAKME\n\nX", "sk-LEAKME\u00e9"})
  void tenantSecretsFromEnvironment_shouldFailAtInit_andLogNothingOfTheKey(String raw) {
    try (LogCapture logs = new LogCapture()) {
      ConfigurationException e =
          assertThrows(
              ConfigurationException.class,
              () -> TenantSecrets.fromEnvironment(Map.of("MODELGATES_API_KEY", raw)));
      assertTrue(e.getMessage().contains("MODELGATES_API_KEY"));
      assertFalse(e.getMessage().contains("LEAKME"));
      assertFalse(logs.text().contains("LEAKME"));
    }
  }
}
