// A live DASH score hint while the referrer answers (progressive enhancement: the server works out
// the real score and shows it on the check-your-answers page; without JavaScript nothing changes).
const hint = document.getElementById("dash-hint");
if (hint) {
  const before = Number(hint.dataset.scoreBefore || 0);
  const idvaFrom = Number(hint.dataset.idvaFrom);
  const maracFrom = Number(hint.dataset.maracFrom);
  const form = hint.closest("main").querySelector("form");
  const meaning = (score) =>
    score >= maracFrom ? `${maracFrom} or more: meets the MARAC threshold.`
      : score >= idvaFrom ? `${idvaFrom} to ${maracFrom - 1}: IDVA service with the victim's consent.`
        : `below ${idvaFrom}: MARAC only on professional judgement, escalation or repeat.`;
  const update = () => {
    const yes = form.querySelectorAll('input[type="radio"][value="yes"]:checked').length;
    const score = before + yes;
    hint.textContent = `DASH score so far: ${score} (${meaning(score)}) We work out the final score when you send the referral.`;
  };
  form.addEventListener("change", update);
  update();
  hint.hidden = false;
}
