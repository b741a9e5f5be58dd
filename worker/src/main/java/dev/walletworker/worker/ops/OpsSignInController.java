package dev.walletworker.worker.ops;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's sign-in form; Spring Security's form login checks the name and password it posts
 * against {@code ops_users}. A failure says only that the pair did not match (not which half).
 */
@Controller
class OpsSignInController {

  @GetMapping("/ops/sign-in")
  String signIn(
      @RequestParam(required = false) String error,
      @RequestParam(name = "signed-out", required = false) String signedOut,
      Model model) {
    model.addAttribute("title", "Sign in");
    model.addAttribute("error", error != null);
    model.addAttribute("signedOut", signedOut != null);
    return "ops/sign-in";
  }
}
