package dev.videohook.cli;

import dev.videohook.config.AwsClients;
import dev.videohook.config.SharedConfig;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;

@Command(
    name = "env",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the command line's settings for a deployed stack, read from its CloudFormation"
          + " outputs: the same variables as the local stack's target/local.env.",
      "  videohook env --stack videohook > stack.env && set -a; . stack.env; set +a",
      "Exit code 3 when the stack is not in the Region or lacks an output (the message names"
          + " both); nothing is printed on standard output then."
    })
final class EnvCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = "--stack",
      required = true,
      description = "The stack's name (samconfig.toml's stack_name: videohook, videohook-staging).")
  String stack;

  @Option(
      names = "--region",
      description =
          "The stack's Region (default: AWS_REGION, else AWS_DEFAULT_REGION, else your AWS profile's).")
  String region;

  @Option(
      names = "--endpoint-url",
      description = "CloudFormation's endpoint, for an emulator (default: AWS's).")
  URI endpoint;

  @Override
  public Integer call() {
    Region where = region();
    Stack found = describe(where);
    Map<String, String> outputs = new LinkedHashMap<>();
    found.outputs().forEach(o -> outputs.put(o.outputKey(), o.outputValue()));
    Map<String, String> parameters = new LinkedHashMap<>();
    found.parameters().forEach(p -> parameters.put(p.parameterKey(), p.parameterValue()));
    StackSettings settings =
        StackSettings.of(stack, where, found.stackStatusAsString(), outputs, parameters);
    spec.commandLine().getOut().print(settings.text());
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }

  private Stack describe(Region where) {
    try (CloudFormationClient cloudFormation = client(where)) {
      return cloudFormation.describeStacks(r -> r.stackName(stack)).stacks().stream()
          .findFirst()
          .orElseThrow(() -> notFound(where));
    } catch (CloudFormationException e) {
      // DescribeStacks answers a stack it does not know with a ValidationError "does not exist"
      if (e.statusCode() == 400 && String.valueOf(e.getMessage()).contains("does not exist")) {
        throw notFound(where);
      }
      throw e;
    }
  }

  private CliException notFound(Region where) {
    return new CliException(
        ExitCode.CONFIGURATION,
        "no stack "
            + stack
            + " in "
            + where.id()
            + ": check --stack (sam list stacks, or samconfig.toml's stack_name) and --region"
            + " (the Region sam deploy used).");
  }

  private CloudFormationClient client(Region where) {
    Optional<URI> override = Optional.ofNullable(endpoint);
    var builder =
        CloudFormationClient.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build())
            .region(where)
            .credentialsProvider(AwsClients.credentials(override));
    override.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private Region region() {
    if (region != null) {
      return Region.of(region);
    }
    Optional<String> fromEnv =
        cli.env.get(SharedConfig.AWS_REGION).or(() -> cli.env.get("AWS_DEFAULT_REGION"));
    if (fromEnv.isPresent()) {
      return Region.of(fromEnv.get());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          "no Region for stack "
              + stack
              + ": pass --region (the Region sam deploy used), or set AWS_REGION.");
    }
  }
}
