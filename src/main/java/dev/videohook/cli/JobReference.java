package dev.videohook.cli;

import dev.videohook.job.JobKey;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** How the commands that act on one job name it: id, provider and tenant. */
final class JobReference {
  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The provider's job id.")
  String jobId;

  @Mixin ProviderOption providerOption;

  @Option(
      names = {"-t", "--tenant"},
      defaultValue = Tenants.DEFAULT,
      description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant;

  Provider provider() {
    return providerOption.provider;
  }

  JobKey key() {
    return new JobKey(tenant, providerOption.provider, jobId);
  }
}
