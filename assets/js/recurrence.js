// The series form's recurrence picker: show only the fields of the chosen repetition and end.
// Without this script every field shows; the server reads only those that apply.
function sync(picker) {
  const repeat = picker.querySelector('[name="repeat"]');
  const ends = picker.querySelector('[name="repeat_ends"]');
  const chosen = repeat ? repeat.value || "none" : "none";
  picker.querySelectorAll("[data-repeat-show]").forEach((el) => {
    el.hidden = !el.dataset.repeatShow.split(" ").includes(chosen);
  });
  const end = ends ? ends.value : "never";
  picker.querySelectorAll("[data-ends-show]").forEach((el) => {
    el.hidden = el.dataset.endsShow !== end;
  });
}

export function enhanceRecurrencePickers(root) {
  root.querySelectorAll("[data-recurrence-picker]").forEach((picker) => {
    if (picker.dataset.recurrenceBound) return;
    picker.dataset.recurrenceBound = "1";
    picker.addEventListener("change", () => sync(picker));
    sync(picker);
  });
}
