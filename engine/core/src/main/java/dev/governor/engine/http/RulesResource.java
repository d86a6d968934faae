package dev.governor.engine.http;

import dev.governor.engine.Governor;
import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.ReloadResult;
import dev.governor.engine.rules.RuleProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/rules}: the rule files and rule names running now, and how the last compile went (at start-up
 * or the last reload, with its errors). {@code POST /api/rules/reload}: compiles the rules folder and swaps the
 * rules in (200), or keeps the running ones when it does not compile (422, with each error as file:line).
 */
final class RulesResource {

    private final Governor governor;

    RulesResource(Governor governor) {
        this.governor = governor;
    }

    ApiResponse get(ApiRequest request) {
        CompiledRules rules = governor.rules();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dir", governor.config().rules().dir().toString());
        body.put("reload", governor.config().rules().reload());
        body.put("files", rules.files().stream().map(path -> path.getFileName().toString()).sorted().toList());
        body.put("rules", rules.ruleNames());
        body.put("lastReload", result(governor.reloader().lastResult()));
        return ApiResponse.json(body);
    }

    ApiResponse reload(ApiRequest request) {
        ReloadResult result = governor.reloader().reload();
        return ApiResponse.json(result.ok() ? 200 : 422, result(result));
    }

    static Map<String, Object> result(ReloadResult result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", result.at());
        body.put("ok", result.ok());
        body.put("rules", result.rules());
        body.put("files", result.files());
        body.put("compileMillis", result.compileTime().toMillis());
        body.put("carried", result.carried());
        body.put("decisions", result.decisions());
        body.put("errors", problems(result.errors()));
        body.put("warnings", problems(result.problems().stream().filter(problem -> !problem.error()).toList()));
        return body;
    }

    private static List<Map<String, Object>> problems(List<RuleProblem> problems) {
        return problems.stream().map(problem -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", problem.file() == null ? null : problem.file().getFileName().toString());
            row.put("line", problem.line());
            row.put("message", problem.message());
            row.put("text", problem.toString());
            return row;
        }).toList();
    }
}
