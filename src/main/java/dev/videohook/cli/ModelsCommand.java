package dev.videohook.cli;

import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.VideoModel;
import dev.videohook.provider.VideoModels;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the provider's video models and what each accepts (GET /videos/models).",
      "Needs only the API base; the API key (<PROVIDER>_API_KEY) is sent"
          + " when set. In the table, - means not supported and ? means the provider does not"
          + " say.",
      "CREATIVITY and UPSCALE are the levels and the factor range an upscaling model takes"
          + " (--creativity, --upscale-factor)."
    })
final class ModelsCommand implements Callable<Integer> {
  private static final String[] HEADINGS = {
    "MODEL",
    "NAME",
    "DURATIONS(s)",
    "RESOLUTIONS",
    "ASPECT RATIOS",
    "SIZES",
    "FRAMES",
    "AUDIO",
    "SEED",
    "CREATIVITY",
    "UPSCALE",
    "PRICE (USD)"
  };

  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin DefaultProviderOption providerOption;

  @Option(names = "--json", description = "Print the provider's JSON as it came.")
  boolean json;

  @Option(
      names = "--api-base",
      description = "Provider API base URL (default: <PROVIDER>_API_BASE, else the provider's).")
  URI apiBase;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    VideoModels models;
    try {
      models = cli.env.publicProviderClient(providerOption.provider, apiBase).models();
    } catch (ProviderApiException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage());
    }
    if (json) {
      out.println(models.json());
      return ExitCode.OK;
    }
    if (models.models().isEmpty()) {
      out.println(providerOption.provider.id() + " lists no video models");
      return ExitCode.OK;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADINGS);
    models.models().forEach(model -> rows.add(row(model)));
    int[] widths = new int[HEADINGS.length];
    rows.forEach(
        row -> {
          for (int i = 0; i < row.length; i++) {
            widths[i] = Math.max(widths[i], row[i].length());
          }
        });
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    return ExitCode.OK;
  }

  private static String[] row(VideoModel model) {
    return new String[] {
      printable(model.id()),
      printable(model.name()),
      list(model.durations()),
      list(model.resolutions()),
      list(model.aspectRatios()),
      model.sizes().map(ModelsCommand::listOrNone).orElse("?"),
      model
          .frameImages()
          .map(frames -> listOrNone(frames.stream().map(f -> f.replace("_frame", "")).toList()))
          .orElse("?"),
      yesNo(Optional.ofNullable(model.generateAudio())),
      yesNo(model.seed()),
      model.creativity().isEmpty() ? "-" : listOrNone(model.creativity()),
      model.upscaleFactor().map(range -> "x" + range).orElse("-"),
      model.pricing().isEmpty()
          ? "?"
          : printable(
              model.pricing().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", ")))
    };
  }

  private static String list(List<?> values) {
    return values.isEmpty() ? "?" : listOrNone(values);
  }

  private static String listOrNone(List<?> values) {
    return values.isEmpty()
        ? "-"
        : printable(values.stream().map(String::valueOf).collect(Collectors.joining(",")));
  }

  private static String yesNo(Optional<Boolean> value) {
    return value.map(v -> v ? "yes" : "-").orElse("?");
  }

  /** The provider's text on a terminal: no control characters (no escape sequences). */
  private static String printable(String text) {
    return text == null ? "?" : text.replaceAll("\\p{Cntrl}", "?");
  }
}
