package dev.videohook.job;

import dev.videohook.provider.Provider;
import java.util.Objects;

/**
 * What names a job: the tenant (API stage) it belongs to, the provider that runs it, and the
 * provider's job id. The same id at two providers, or for two tenants, is two jobs.
 */
public record JobKey(String tenant, Provider provider, String jobId) {
  public JobKey {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(jobId, "jobId");
  }

  /** {@code tenant/provider/jobId}, as logs and messages name a job. */
  @Override
  public String toString() {
    return tenant + "/" + provider.id() + "/" + jobId;
  }
}
