// Props that tie an input to one field of a form object held in component state.

export const bindValue = (form, change, name) => ({
  value: form[name],
  onInput: (e) => change({ [name]: e.currentTarget.value }),
});

export const bindChecked = (form, change, name) => ({
  checked: form[name],
  onChange: (e) => change({ [name]: e.currentTarget.checked }),
});
