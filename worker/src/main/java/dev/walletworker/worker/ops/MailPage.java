package dev.walletworker.worker.ops;

import dev.walletworker.WalletException;
import dev.walletworker.mail.MailOutbox;
import dev.walletworker.mail.MailRenderer;
import dev.walletworker.mail.MailStatus;
import dev.walletworker.mail.RenderedMail;
import dev.walletworker.ops.OpsActions;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code /ops/mail}: the outbox by status, a failed message's last error, Retry (the CLI's {@link
 * OpsActions#retryMail}, audited), and any message rendered as its owner sees it.
 */
@Controller
class MailPage {

  private static final int LIMIT = 200;

  private final MailOutbox mail;
  private final MailRenderer renderer;
  private final OpsActions actions;

  MailPage(MailOutbox mail, MailRenderer renderer, OpsActions actions) {
    this.mail = mail;
    this.renderer = renderer;
    this.actions = actions;
  }

  @GetMapping("/ops/mail")
  String outbox(
      @RequestParam(defaultValue = "") String status,
      @RequestParam(required = false) String done,
      Model model) {
    String filter = status.isBlank() ? null : MailStatus.fromCode(status).code();
    model.addAttribute("title", "Mail");
    model.addAttribute("status", filter);
    model.addAttribute(
        "statuses",
        MailStatus.CODES.stream()
            .map(code -> Map.of("code", code, "selected", code.equals(filter)))
            .toList());
    List<Map<String, Object>> rows =
        mail.list(filter, null, LIMIT).stream().map(MailPage::message).toList();
    model.addAttribute("messages", rows);
    model.addAttribute("empty", rows.isEmpty());
    model.addAttribute("done", done);
    return "ops/mail";
  }

  @PostMapping("/ops/mail/{id}/retry")
  ModelAndView retry(@PathVariable long id, Principal principal) {
    try {
      actions.retryMail(principal.getName(), id);
      return new ModelAndView("redirect:/ops/mail?done=" + id);
    } catch (WalletException e) {
      ModelAndView page = new ModelAndView("ops/error");
      page.addObject("title", "Not retried");
      page.addObject("message", e.getMessage());
      page.setStatus(HttpStatus.BAD_REQUEST);
      return page;
    }
  }

  @GetMapping("/ops/mail/{id}")
  String preview(@PathVariable long id, Model model) {
    RenderedMail rendered = rendered(id);
    model.addAttribute("title", "Mail " + id);
    model.addAttribute("id", id);
    model.addAttribute("subject", rendered.subject());
    model.addAttribute("text", rendered.text());
    return "ops/mail-preview";
  }

  /**
   * The HTML version, exactly as sent, on a page of its own: sandboxed (no script, no form, no
   * same-origin rights) and allowed only the inline styles an email carries.
   */
  @GetMapping(value = "/ops/mail/{id}/html", produces = "text/html;charset=UTF-8")
  @ResponseBody
  String html(@PathVariable long id, HttpServletResponse response) {
    response.setHeader(
        "Content-Security-Policy",
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return rendered(id).html();
  }

  private RenderedMail rendered(long id) {
    return mail.preview(id, renderer)
        .orElseThrow(() -> new OpsPageModel.NotFoundPage("There is no mail message " + id + "."));
  }

  static Map<String, Object> message(MailOutbox.Entry e) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", e.id());
    row.put("kind", e.kind());
    row.put("account", e.accountId());
    row.put("status", e.status().code());
    row.put("failed", e.status() == MailStatus.FAILED);
    row.put("attempts", e.attempts());
    row.put("created", OpsPageModel.time(e.createdAt()));
    row.put(
        "when",
        switch (e.status()) {
          case SENT -> "sent " + OpsPageModel.time(e.sentAt());
          case PENDING -> "next try " + OpsPageModel.time(e.nextAttemptAt());
          case FAILED -> "gave up";
        });
    row.put("lastError", e.lastError());
    return row;
  }
}
